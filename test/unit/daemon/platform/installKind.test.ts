import { describe, expect, it } from 'vitest';
import { installKindOf } from '../../../../daemon/platform/installKind';

describe('installKindOf', () => {
  it('tells where a file of the built package sits: node_modules/conduit is npm, anything else a VSIX', () => {
    expect(installKindOf('/usr/local/lib/node_modules/conduit/dist/daemon.mjs')).toBe('npm');
    expect(installKindOf('/p/lib/node_modules/conduit/dist/chunks/chunk-X.mjs')).toBe('npm');
    expect(installKindOf('C:\\Users\\Zoë B\\AppData\\Roaming\\npm\\node_modules\\conduit\\dist\\cli.js')).toBe('npm');
    expect(installKindOf('/p/node_modules/@acme/conduit/dist/daemon.mjs')).toBe('npm');
    expect(installKindOf('/home/u/.vscode/extensions/conduit.conduit-0.1.0-linux-x64/dist/daemon.mjs')).toBe('vsix');
    expect(installKindOf('/home/dev/conduit/daemon/platform/installKind.ts')).toBe('vsix');
  });
});
