import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeServer } from './harness/codeServer';
import { useConduitWorkbench } from './harness/conduitWorkbench';
import { hostTestsBundle, missingTools } from './harness/tools';
import { launchBrowser } from './harness/workbench';

const missing = missingTools();
if (missing) console.warn(`[e2e] extensionHost.e2e.ts SKIPPED: ${missing}`);

/**
 * extension/hostTests run inside code-server's real extension host. The workbench runs extension
 * tests when opened with a `payload` URL parameter (extensionDevelopmentPath, extensionTestsPath),
 * which the built workbench honours only with `enable-smoke-test-driver`; it reports the host's
 * exit code through window.codeAutomationExit. The extension under test is the .vsix as
 * code-server installed it, not the source tree.
 */
describe.skipIf(missing !== undefined)('extension integration tests in the real extension host', () => {
  let cs: CodeServer;

  const w = useConduitWorkbench({
    name: 'host',
    fake: { control: true },
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    browser: false,
  });
  beforeAll(() => {
    ({ cs } = w);
    // The tests provoke failures on purpose (budget refusals, a 401) and share one ledger; past 20
    // requests those add up to the daemon's error-rate alert, which would fire (on its timer, or at
    // the restart a later test does) inside whichever test is counting its notifications then.
    // The daemon reads this file before its first evaluation; no host test is about that alert.
    fs.writeFileSync(
      path.join(w.home, 'config.json'),
      `${JSON.stringify({ alerts: { errorRate: { enabled: false } } }, null, 2)}\n`,
      { mode: 0o600 },
    );
  });

  it('all pass', async () => {
    const installed = fs.readdirSync(path.join(cs.dir, 'ext')).find((d) => d.startsWith('conduit.conduit-'));
    expect(installed, 'the .vsix was not installed').toBeDefined();
    const devPath = path.join(cs.dir, 'ext', installed!);
    const testsPath = hostTestsBundle;
    const logFile = path.join(cs.dir, 'host-tests.log');
    const remote = (p: string) => `vscode-remote://${new URL(cs.url).host}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(devPath)],
      ['extensionTestsPath', remote(testsPath)],
      ['extensionEnvironment', JSON.stringify({ HOST_TEST_LOG: logFile })],
      ['skipWelcome', 'true'],
    ];
    const { page, close } = await launchBrowser();
    try {
      let resolveExit!: (code: number) => void;
      const exited = new Promise<number>((r) => {
        resolveExit = r;
      });
      await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
      await page.exposeFunction('codeAutomationLog', () => undefined);
      await page.goto(
        `${cs.url}?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
        // The host's exit code is what is awaited, not the page's load event.
        { waitUntil: 'commit' },
      );
      // A safety net, not a bound: the host tests take minutes on a loaded machine.
      const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-1), 590_000))]);
      const report = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '(no report)';
      console.log(`[e2e] extension host tests:\n${report}`);
      expect(report).toMatch(/\d+ passed, 0 failed/);
      expect(code, report).toBe(0);
    } finally {
      await close();
    }
  }, 600_000);
});
