import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeProviderServer } from '../fakes/fakeProvider';
import type { CodeServer } from './harness/codeServer';
import { ROW_CSV_HEADER } from '../../daemon/usage/usageCsv';
import { useConduitWorkbench } from './harness/conduitWorkbench';
import { screenshotsInThemes } from './harness/themes';
import { e2eDir, missingTools } from './harness/tools';
import { answerInput, runCommand } from './harness/workbench';

const missing = missingTools();
if (missing) console.warn(`[e2e] usagePanel.e2e.ts SKIPPED: ${missing}`);

/** Where the screenshots of each state go, in each theme. */
const artifacts = path.join(e2eDir, 'artifacts', 'usage-panel');

/** The usage panel's page, wherever it sits among the workbench's webviews. */
async function usageFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (
        await f
          .locator('[data-card="requests-today"]')
          .count()
          .catch(() => 0)
      )
        return f;
    }
    if (Date.now() > end) throw new Error('the usage panel never showed its cards');
    await page.waitForTimeout(250);
  }
}

const requestsToday = async (page: Page) =>
  Number(
    ((await (await usageFrame(page)).locator('[data-card="requests-today"] .value').textContent()) ?? '').replace(
      /,/g,
      '',
    ),
  );

/**
 * The usage & cost panel in code-server: opened from the palette and from the status bar, fed by
 * the real daemon's ledger, updated after a request goes through the fake provider, exported to
 * a CSV file, and revived after a window reload.
 */
describe.skipIf(missing !== undefined)('the usage panel in a real VS Code', () => {
  let fake: FakeProviderServer;
  let cs: CodeServer;
  let page: Page;

  const w = useConduitWorkbench({ name: 'panel' });
  beforeAll(() => {
    ({ fake, cs, page } = w);
  });

  it('"Show Usage & Cost" opens the panel with the ledger\'s figures', async () => {
    // The status bar item is there from startup, before any Conduit command (and no daemon runs yet).
    // It appears when the extension activates (onStartupFinished), after the remote extension host
    // has booted and run the eager extensions: the workbench's own status bar comes first, and on a
    // loaded machine the host alone has taken 30 s to start. A safety net, not a bound.
    await page
      .locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /anthropic/ })
      .first()
      .waitFor({ timeout: 180_000 });
    await runCommand(page, 'Conduit: Show Usage & Cost');
    const frame = await usageFrame(page);
    // The first open starts the daemon, then fits the range (one query) before the snapshot: a safety net.
    await expect.poll(() => frame.locator('#status').textContent(), { timeout: 120_000 }).toMatch(/^Updated /);
    expect(await requestsToday(page)).toBe(0);
    expect(await frame.locator('figure[data-chart="cost"]').count()).toBe(1);
    expect(await frame.locator('[data-card="month-cost"] .value').textContent()).toBe('$0.00');
    // A new user: nothing before today, so the panel opens on today by the hour, not an empty month.
    expect(await frame.locator('#f-range').evaluate((s) => (s as HTMLElement & { value: string }).value)).toBe('today');
    expect(await frame.locator('figure[data-chart="cost"] figcaption').textContent()).toBe('Cost per hour by model');
    await screenshotsInThemes(page, artifacts, 'usage-new-user', () => frame.locator('body'));
  });

  it('the status bar item opens it too', async () => {
    await page.keyboard.press('Control+W');
    await expect
      .poll(() => page.locator('.tabs-container .tab', { hasText: 'Usage & Cost' }).count(), { timeout: 10_000 })
      .toBe(0);
    await page
      .locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /anthropic/ })
      .first()
      .click();
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
    // The ledger row is durable before the reply goes out, so the panel may count the request
    // before the answer has reached its own panel.
    const answered = async () =>
      (
        await Promise.all(
          page
            .frames()
            .map((f) => f.evaluate(() => document.querySelector('#answer')?.textContent ?? '').catch(() => '')),
        )
      ).some((a) => a.includes('Counted in the panel.'));
    await expect.poll(answered, { timeout: 60_000 }).toBe(true);
    const frame = await usageFrame(page);
    expect(await frame.locator('table[data-table="recent"] tbody tr').first().locator('td').nth(1).textContent()).toBe(
      'ask',
    );
    // A fake request costs less than a hundredth of a cent: shown as such, never as "$0.0000".
    expect(await frame.locator('[data-card="today-cost"] .value').textContent()).toMatch(/^(\$\d|< \$0\.0001$)/);
    await screenshotsInThemes(page, artifacts, 'usage-after-request', () => frame.locator('body'));
  });

  it('"Export CSV" writes the filtered ledger rows to the file picked in the save dialog', async () => {
    const frame = await usageFrame(page);
    const file = path.join(cs.workspace, `conduit-usage-${new Date().toISOString().slice(0, 10)}.csv`);
    fs.rmSync(file, { force: true });
    const started = Date.now();
    await frame.locator('#export').click();
    // code-server's save dialog is VS Code's own: a quick input holding the proposed path.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => input.inputValue(), { timeout: 10_000 }).toContain('conduit-usage-');
    await page.keyboard.press('Enter');
    await expect.poll(() => fs.existsSync(file), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(() => frame.locator('#status').textContent(), { timeout: 15_000 })
      .toMatch(/^Exported 1 row\(s\) to .*conduit-usage-/);
    const [header, ...rows] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(header).toBe(ROW_CSV_HEADER.join(','));
    // The one request this file made (the panel's filters are the defaults: everything today).
    expect(rows).toHaveLength(1);
    const cells = rows[0]!.split(',');
    expect(cells).toHaveLength(ROW_CSV_HEADER.length);
    const row = Object.fromEntries(ROW_CSV_HEADER.map((h, i) => [h, cells[i]!]));
    expect(row).toMatchObject({
      client: 'vscode',
      feature: 'ask',
      provider: 'anthropic',
      error_code: '',
      cache: 'none',
      stream: 'true',
    });
    expect(Number(row.output_tokens)).toBeGreaterThan(0);
    expect(Number(row.cost_usd)).toBeGreaterThan(0);
    expect(Date.parse(row.started_at!)).toBeLessThan(started);
  });

  it('after a window reload the panel comes back by itself and stays live', async () => {
    const before = await requestsToday(page);
    expect(before).toBeGreaterThan(0);
    // The palette's Reload Window, not page.reload(): the command waits for the workbench to save
    // its open editors before the page goes, while a browser reload only starts that save and
    // leaves it to race the unload (VS Code's BrowserLifecycleService says as much), so the panel
    // sometimes had no saved tab to come back to.
    const reloaded = page.waitForEvent('framenavigated', {
      predicate: (f) => f === page.mainFrame(),
      timeout: 60_000,
    });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // No command runs: the serializer revives the panel (activation event onWebviewPanel:conduit.usage).
    await expect
      .poll(() => page.locator('.tabs-container .tab', { hasText: 'Usage & Cost' }).count(), { timeout: 60_000 })
      .toBe(1);
    const frame = await usageFrame(page, 90_000);
    // "Updated" appears only when the extension sent fresh figures, not from the page's saved state.
    await expect.poll(() => frame.locator('#status').textContent(), { timeout: 60_000 }).toMatch(/^Updated /);
    expect(await requestsToday(page)).toBe(before);
    // The revived panel is wired to the daemon like a new one: a request shows up by itself.
    fake.setDefault('anthropic', { text: 'Counted after the reload.' });
    await runCommand(page, 'Conduit: Ask');
    await answerInput(page, 'Does the revived panel count this? (e2e reload)');
    await expect.poll(() => requestsToday(page), { timeout: 60_000 }).toBe(before + 1);
  });
});
