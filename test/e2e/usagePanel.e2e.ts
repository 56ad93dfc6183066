import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { CodeServer } from './harness/codeServer';
import { conduitEnv, stopDaemon } from './harness/env';
import { missingTools, vsixPath } from './harness/tools';
import { answerInput, launchBrowser, openWorkbench, runCommand } from './harness/workbench';

const missing = missingTools();
if (missing) console.warn(`[e2e] usagePanel.e2e.ts SKIPPED: ${missing}`);

/** The usage panel's page, wherever it sits among the workbench's webviews. */
async function usageFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (await f.locator('[data-card="requests-today"]').count().catch(() => 0)) return f;
    }
    if (Date.now() > end) throw new Error('the usage panel never showed its cards');
    await page.waitForTimeout(250);
  }
}

const requestsToday = async (page: Page) => Number(((await (await usageFrame(page)).locator('[data-card="requests-today"] .value').textContent()) ?? '').replace(/,/g, ''));

/**
 * The usage & cost panel in code-server: opened from the palette and from the status bar, fed by
 * the real daemon's ledger, updated after a request goes through the fake provider.
 */
describe.skipIf(missing !== undefined)('the usage panel in a real VS Code', () => {
  let fake: FakeProviderServer;
  let cs: CodeServer;
  let page: Page;
  let closeBrowser: () => Promise<void>;
  let home: string;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    const setup = conduitEnv(fake.url, 'panel');
    home = setup.home;
    cs = await CodeServer.start({ name: 'panel', port: 8133, env: setup.env, vsix: vsixPath });
    const browser = await launchBrowser();
    page = browser.page;
    closeBrowser = browser.close;
    await openWorkbench(page, cs.url, cs.workspace);
  });

  afterAll(async () => {
    if (page) await page.screenshot({ path: path.join(cs.dir, 'last.png') }).catch(() => undefined);
    await closeBrowser?.();
    await cs?.stop();
    if (home) await stopDaemon(home);
    await fake?.stop();
  });

  it('"Show Usage & Cost" opens the panel with the ledger\'s figures', async () => {
    await runCommand(page, 'Conduit: Show Usage & Cost');
    const frame = await usageFrame(page);
    await expect.poll(() => frame.locator('#status').textContent(), { timeout: 30_000 }).toMatch(/^Updated /);
    expect(await requestsToday(page)).toBe(0);
    expect(await frame.locator('figure[data-chart="cost"]').count()).toBe(1);
    expect(await frame.locator('[data-card="month-cost"] .value').textContent()).toBe('$0.00');
  });

  it('the status bar item opens it too', async () => {
    await page.keyboard.press('Control+W');
    await expect.poll(() => page.locator('.tabs-container .tab', { hasText: 'Usage & Cost' }).count(), { timeout: 10_000 }).toBe(0);
    await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /anthropic/ }).first().click();
    const frame = await usageFrame(page);
    await expect.poll(() => frame.locator('#status').textContent(), { timeout: 30_000 }).toMatch(/^Updated /);
  });

  it('after a request through the fake provider, the numbers update by themselves', async () => {
    const before = await requestsToday(page);
    fake.setDefault('anthropic', { text: 'Counted in the panel.' });
    await runCommand(page, 'Conduit: Ask');
    await answerInput(page, 'Does the panel count this? (e2e panel)');
    // Nobody touches the panel: its live refresh sees the daemon serve the request.
    await expect.poll(() => requestsToday(page), { timeout: 60_000 }).toBe(before + 1);
    const answers = await Promise.all(page.frames().map((f) => f.evaluate(() => document.querySelector('#answer')?.textContent ?? '').catch(() => '')));
    expect(answers.some((a) => a.includes('Counted in the panel.'))).toBe(true);
    const frame = await usageFrame(page);
    expect(await frame.locator('table[data-table="recent"] tbody tr').first().locator('td').nth(1).textContent()).toBe('ask');
    expect(await frame.locator('[data-card="today-cost"] .value').textContent()).toMatch(/^\$\d/);
  });
});
