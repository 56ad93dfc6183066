import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitForBackgroundInstall } from './harness/installWait';
import { e2eDir, hostTestsBundle, missingTools, repoRoot } from './harness/tools';

/**
 * Packages the extension as users get it (`npm run package -- --target linux-x64` →
 * dist/conduit-linux-x64.vsix: code-server here runs on linux-x64) and bundles the
 * in-extension-host test suite. Nothing is built when the tests are going to skip.
 */
export default async function setup(): Promise<void> {
  await waitForBackgroundInstall((line) => process.stdout.write(`${line}\n`));
  const missing = missingTools();
  if (missing) {
    // CI installs the tools: there a skip would be a silent pass.
    if (process.env.CONDUIT_E2E_REQUIRED === '1') throw new Error(`the e2e tests must run here but cannot: ${missing}`);
    process.stdout.write(`\n[e2e] SKIPPING the VS Code end-to-end tests: ${missing}.\n\n`);
    return;
  }
  const t0 = Date.now();
  execFileSync('npm', ['run', 'package', '--', '--target', 'linux-x64'], {
    cwd: repoRoot,
    stdio: 'pipe',
    timeout: 300_000,
  });
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'extension/hostTests/index.ts')],
    outfile: hostTestsBundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  fs.mkdirSync(path.join(e2eDir, 'run'), { recursive: true });
  process.stdout.write(`[e2e] packaged dist/conduit-linux-x64.vsix and the host suite in ${Date.now() - t0} ms\n`);
}
