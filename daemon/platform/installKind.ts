/**
 * How this copy of Conduit reached the machine, so a native module's failure names the fix that
 * applies: the npm package (`npm install -g`) lives in <prefix>/…/node_modules/conduit/dist/, a
 * VSIX in VS Code's extensions folder. A checkout (dist/ in the repository) reads as a VSIX.
 */
export type InstallKind = 'npm' | 'vsix';

/** `file` is a file of the built package: dist/daemon.mjs, dist/cli.js or dist/chunks/*.mjs. */
export function installKindOf(file: string): InstallKind {
  const parts = file.split(/[\\/]+/);
  const dist = parts.lastIndexOf('dist');
  if (dist < 2) return 'vsix';
  // A scoped name (node_modules/@scope/conduit) puts node_modules one folder further up.
  const scoped = parts[dist - 2]!.startsWith('@') ? 1 : 0;
  return parts[dist - 2 - scoped] === 'node_modules' ? 'npm' : 'vsix';
}

export const currentInstallKind = (): InstallKind => installKindOf(__filename);
