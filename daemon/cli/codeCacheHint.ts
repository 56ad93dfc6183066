/**
 * What a run tells dist/cli.js (the entry, a bundle of its own) about the code cache it may save
 * at exit; cli.ts exports it, so the entry reads it from the CLI bundle's exports.
 */
export const codeCacheHint = {
  /**
   * Set by a run that was not what its command usually is (an ask that started the daemon): the
   * cache holds what the saving run compiled, and the asks after it, against a running daemon,
   * would deserialize the spawner and vscode-jsonrpc's connection at every start and never run them.
   */
  skipSave: false,
};
