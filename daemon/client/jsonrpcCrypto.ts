/**
 * What vscode-jsonrpc's node entry takes from 'crypto', which it requires at load although it uses
 * it only to name a pipe or a UUID on demand (never on the CLI's path). The CLI's bundle gives it
 * this module instead (esbuild.mjs), so a warm `conduit ask` does not load crypto's 17 modules.
 */
export function randomBytes(size: number): Buffer {
  return process.getBuiltinModule('node:crypto').randomBytes(size);
}

export function randomUUID(): string {
  return process.getBuiltinModule('node:crypto').randomUUID();
}
