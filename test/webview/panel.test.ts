import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayKey } from '../../webview/calendar';
import { count, percent, usd } from '../../webview/format';
import { artifactsDir, chromiumPath, launch, openPanel, ORIGIN, violations, type PanelPage } from './panelPage';
import {
  CANARY,
  HOSTILE_FEATURE,
  HOSTILE_MODEL,
  NOW,
  seededLive,
  seededRows,
  seededSnapshot,
  seededTodaySnapshot,
} from './seededLedger';

const chromium = chromiumPath();
if (!chromium)
  console.warn(
    '[webview] test/webview/panel.test.ts SKIPPED: chromium not found (/usr/bin/chromium or CHROMIUM_PATH); CI installs it',
  );
const bundle = path.resolve(__dirname, '../../dist/webview.js');

/** The panel's bundle in real Chromium, fed the seeded ledger as the extension would send it. */
describe.skipIf(!chromium)('usage panel in Chromium', () => {
  let browser: Browser;
  let panel: PanelPage;
  const rows = seededRows();
  const snapshot = seededSnapshot(rows);
  const today = dayKey(NOW, 0);

  beforeAll(async () => {
    if (!fs.existsSync(bundle)) throw new Error('dist/webview.js is missing: run `npm run build` first');
    fs.mkdirSync(artifactsDir, { recursive: true });
    browser = await launch();
    panel = await openPanel(browser, { theme: 'light' });
    await panel.send({ type: 'snapshot', snapshot });
    await panel.send({ type: 'live', live: seededLive() });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const card = (id: string) => panel.page.locator(`[data-card="${id}"] .value`).textContent();
  const detail = (id: string) => panel.page.locator(`[data-card="${id}"] .detail`).textContent();
  const points = async (id: string) =>
    JSON.parse((await panel.page.locator(`figure[data-chart="${id}"]`).getAttribute('data-points'))!) as {
      x: string[];
      series: { label: string; values: (number | null)[] }[];
    };

  it('asks for data once loaded, with its filters', async () => {
    // Nothing chosen yet: the extension fits the range to the data, and the snapshot says which.
    expect(await panel.posted()).toEqual([{ type: 'ready', filters: { range: '30d' }, fitRange: true }]);
  });

  it('the cards show today, the month against the budget, cache and errors from the seeded ledger', async () => {
    const todays = rows.filter((r) => dayKey(r.startedAt, 0) === today);
    const todayCost = todays.reduce((s, r) => s + (r.costUsd ?? 0), 0);
    expect(await card('today-cost')).toBe(usd(todayCost));
    expect(await card('requests-today')).toBe(count(todays.length));
    const monthRows = rows.filter((r) => r.startedAt >= Date.UTC(2026, 2, 1));
    const monthCost = monthRows.reduce((s, r) => s + (r.costUsd ?? 0), 0);
    expect(await card('month-cost')).toBe(usd(monthCost));
    const elapsedDays = (NOW - Date.UTC(2026, 2, 1)) / 86_400_000;
    expect(await detail('month-cost')).toBe(
      `of $5.00 budget (${percent(monthCost / 5)}) · projected ${usd((monthCost / elapsedDays) * 31)}`,
    );
    const hits = rows.filter((r) => r.cache !== 'none');
    expect(await card('cache')).toBe(percent(hits.length / rows.length));
    expect(await detail('cache')).toContain(usd(hits.reduce((s, r) => s + r.costSavedUsd, 0)));
    const errors = rows.filter((r) => r.errorCode !== null);
    expect(await card('error-rate')).toBe(percent(errors.length / rows.length));
    expect(await detail('error-rate')).toBe(`${errors.length} of ${rows.length} · last 5 min 10.0 %`);
  });

  it('the charts carry the seeded points: cost per day stacked, tokens, latency, errors by code', async () => {
    const cost = await points('cost');
    expect(cost.x).toHaveLength(31);
    expect(cost.x.at(-1)).toBe(today);
    for (const [i, day] of cost.x.entries()) {
      const expected = rows.filter((r) => dayKey(r.startedAt, 0) === day).reduce((s, r) => s + (r.costUsd ?? 0), 0);
      const stacked = cost.series.reduce((s, series) => s + (series.values[i] ?? 0), 0);
      expect(stacked).toBeCloseTo(expected, 6);
    }
    expect(cost.series.map((s) => s.label)).toContain('claude-sonnet-5-5');
    const tokens = await points('tokens');
    const day = cost.x[20]!;
    expect(tokens.series[0]!.values[20]).toBe(
      rows.filter((r) => dayKey(r.startedAt, 0) === day).reduce((s, r) => s + r.inputTokens, 0),
    );
    expect(tokens.series[1]!.values[20]).toBe(
      rows.filter((r) => dayKey(r.startedAt, 0) === day).reduce((s, r) => s + r.outputTokens, 0),
    );
    const latency = await points('latency');
    expect(latency.series.map((s) => s.label)).toEqual(['p50', 'p95', 'p99', 'TTFT p50']);
    const group = snapshot.daily.groups.find((g) => g.key === day)!;
    expect(latency.series[0]!.values[20]).toBe(group.latencyMs.p50);
    expect(latency.series[2]!.values[20]).toBe(group.latencyMs.p99);
    const errors = await points('errors');
    expect(Object.fromEntries(errors.x.map((code, i) => [code, errors.series[0]!.values[i]]))).toEqual({
      rate_limited: rows.filter((r) => r.errorCode === 'rate_limited').length,
      server_error: rows.filter((r) => r.errorCode === 'server_error').length,
    });
    const month = await points('month');
    expect(month.series.map((s) => s.label)).toEqual(['spent', 'projected', 'budget']);
    expect(month.series[0]!.values[13]).toBeCloseTo(snapshot.month.total.costUsd, 6);
  });

  it("no value-axis label is cut: each drawn label, measured in the axis font, fits the chart's box", async () => {
    const axes = await panel.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('figure[data-chart]'))
        .filter((f) => f.dataset.yAxis)
        .map((f) => {
          const a = JSON.parse(f.dataset.yAxis!) as { labels: string[]; font: string; room: number };
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.font = a.font;
          return {
            chart: f.dataset.chart,
            room: a.room,
            labels: a.labels,
            widths: a.labels.map((l) => ctx.measureText(l).width),
          };
        }),
    );
    expect(axes.length).toBeGreaterThanOrEqual(4);
    for (const a of axes) {
      expect(a.labels.length, a.chart).toBeGreaterThan(1);
      for (const w of a.widths) expect(w, `${a.chart}: ${a.labels.join(' | ')}`).toBeLessThanOrEqual(a.room);
    }
  });

  it('every chart is labelled and has a table with the same numbers', async () => {
    for (const id of ['cost', 'month', 'tokens', 'latency', 'errors']) {
      const label = await panel.page.locator(`figure[data-chart="${id}"] .plot`).getAttribute('aria-label');
      expect(label, id).toMatch(/\S+: .+table below/);
      expect(await panel.page.locator(`figure[data-chart="${id}"] canvas`).count(), id).toBeGreaterThan(0);
    }
    const tokenRows = panel.page.locator('table[data-table="tokens"] tbody tr');
    expect(await tokenRows.count()).toBe(31);
    const cells = await tokenRows.nth(20).locator('td').allTextContents();
    const tokens = await points('tokens');
    expect(cells).toEqual([tokens.x[20], count(tokens.series[0]!.values[20]), count(tokens.series[1]!.values[20])]);
  });

  it('stacking by feature re-draws the cost chart locally and is kept in the state', async () => {
    await panel.page.evaluate(() => {
      const s = document.getElementById('stack-by') as HTMLElement & { value: string };
      s.value = 'feature';
      s.dispatchEvent(new Event('change'));
    });
    await panel.chartsDrawn();
    const cost = await points('cost');
    expect(cost.series.map((s) => s.label).sort()).toEqual(['ask', 'commit', 'explain', HOSTILE_FEATURE].sort());
    expect((await panel.state())?.stackBy).toBe('feature');
  });

  it('rate-limit headroom, circuits, alerts and recent requests render from the live data', async () => {
    const limits = await panel.page
      .locator('table[data-table="limits"] tbody tr')
      .first()
      .locator('td')
      .allTextContents();
    expect(limits).toEqual([
      'anthropic',
      'k1a2b3',
      'tier1',
      '42 / 50 (full in 9 s)',
      '27,500 / 30,000 (full in 5 s)',
      '8,000 / 8,000',
      '—',
      '1 interactive, 2 background',
      'no',
    ]);
    const circuits = await panel.page.locator('table[data-table="providers"] tbody tr').allTextContents();
    expect(circuits[1]).toContain('openai/gpt-5.4-mini open');
    expect(await panel.page.locator('table[data-table="alerts"]').textContent()).toContain('Error rate 12 %');
    const recent = panel.page.locator('table[data-table="recent"] tbody tr');
    expect(await recent.count()).toBe(50);
    const newest = rows.at(-2)!; // the hostile row is newest; the next is an ordinary one
    const second = await recent.nth(1).locator('td').allTextContents();
    expect(second.slice(1, 3)).toEqual([newest.feature, newest.model]);
    // The column has one precision for all its rows (see webview/ticks.ts): the same amount, to it.
    if (newest.costUsd === null) expect(second[4]).toBe('unknown');
    else expect(Number(second[4]!.replace('$', ''))).toBeCloseTo(newest.costUsd, 4);
  });

  it('hides experiments until the daemon reports some, then shows their arms', async () => {
    expect(await panel.page.locator('#experiments').isHidden()).toBe(true);
    const arm = (
      name: string,
      requests: number,
      cost: number,
      p50: number,
      errors: number,
      up: number,
      down: number,
    ) => ({
      arm: name,
      provider: 'openai',
      model: 'gpt-5.4-mini',
      share: 0.5,
      requests,
      errors,
      errorRate: errors / requests,
      latencyP50Ms: p50,
      latencyP95Ms: p50 * 2,
      costPerRequestUsd: cost,
      ratingsUp: up,
      ratingsDown: down,
      retries: 0,
      ratingScore: (up - down) / (up + down),
      costCi: { low: cost * 0.8, high: cost * 1.2 },
      latencyMeanMs: p50 + 50,
      latencyCi: { low: p50 + 10, high: p50 + 90 },
      upRate: up / (up + down),
      upRateCi: { low: 0.25, high: 0.75 },
    });
    await panel.send({
      type: 'snapshot',
      snapshot: {
        ...snapshot,
        experiments: {
          since: 0,
          experiments: [
            {
              id: 'cheap-vs-smart',
              feature: 'ask',
              arms: [arm('control', 120, 0.0125, 800, 2, 10, 3), arm('mini', 118, 0.0025, 450, 5, 7, 6)],
            },
          ],
        },
      },
    });
    expect(await panel.page.locator('#experiments').isVisible()).toBe(true);
    const table = panel.page.locator('table[data-experiment="cheap-vs-smart (ask)"] tbody tr');
    expect(await table.count()).toBe(2);
    expect(await table.nth(1).locator('td').allTextContents()).toEqual([
      'mini',
      '118',
      expect.stringMatching(/^\$0\.0025 \(\$0\.0020.\$0\.0030\)$/) as string,
      expect.stringMatching(/^500 ms \(460 ms.540 ms\)$/) as string,
      '450 ms',
      '5',
      expect.stringMatching(/^54 % \(25 %.75 %\)$/) as string,
      '7',
      '6',
    ]);
    await panel.send({ type: 'snapshot', snapshot });
    expect(await panel.page.locator('#experiments').isHidden()).toBe(true);
  });

  it('hostile ledger text is shown as inert text: no script runs, no element is injected, no request leaves', async () => {
    const recentText = await panel.page.locator('table[data-table="recent"]').textContent();
    expect(recentText).toContain(HOSTILE_FEATURE);
    expect(recentText).toContain(HOSTILE_MODEL);
    expect(recentText).toContain(CANARY);
    expect(await panel.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await panel.page.locator('#root img, #root script, #root b').count()).toBe(0);
    expect(
      panel.requests.every((u) =>
        [`${ORIGIN}/index.html`, `${ORIGIN}/dist/webview.js`, `${ORIGIN}/dist/webview.css`].includes(u),
      ),
      panel.requests.join('\n'),
    ).toBe(true);
    expect(await violations(panel)).toEqual([]);
  });

  it('filters and Export CSV go to the extension as typed messages', async () => {
    await panel.page.evaluate(() => {
      const s = document.getElementById('f-range') as HTMLElement & { value: string };
      s.value = '7d';
      s.dispatchEvent(new Event('change'));
      const p = document.getElementById('f-provider') as HTMLElement & { value: string };
      p.value = 'openai';
      p.dispatchEvent(new Event('change'));
    });
    await panel.page.locator('#export').click();
    const posted = await panel.posted();
    expect(posted.slice(1)).toEqual([
      { type: 'filters', filters: { range: '7d' } },
      { type: 'filters', filters: { range: '7d', provider: 'openai' } },
      { type: 'exportCsv', filters: { range: '7d', provider: 'openai' } },
    ]);
    await panel.send({ type: 'exportResult', ok: true, message: 'Exported 12 row(s) to /tmp/x.csv.' });
    expect(await panel.page.locator('#status').textContent()).toBe('Exported 12 row(s) to /tmp/x.csv.');
  });

  it('controls are reachable with the keyboard', async () => {
    const reached = new Set<string>();
    await panel.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 0; i < 30; i++) {
      await panel.page.keyboard.press('Tab');
      reached.add(
        await panel.page.evaluate(
          () => document.activeElement?.id || document.activeElement?.tagName.toLowerCase() || '',
        ),
      );
    }
    for (const id of ['f-range', 'f-provider', 'f-model', 'f-feature', 'refresh', 'export', 'stack-by'])
      expect([...reached], id).toContain(id);
  });

  it("a new user's first panel takes the fitted range: today, charted by the hour", async () => {
    const fresh = await openPanel(browser, { theme: 'dark' });
    try {
      const today = seededTodaySnapshot(rows);
      await fresh.send({ type: 'snapshot', snapshot: today });
      expect(
        await fresh.page.evaluate(() => (document.getElementById('f-range') as unknown as { value: string }).value),
      ).toBe('today');
      expect((await fresh.state())?.filters).toEqual({ range: 'today' });
      expect((await fresh.state())?.fitRange).toBeUndefined();
      // Taking the fitted range is not a filter change to send back.
      expect(await fresh.posted()).toEqual([{ type: 'ready', filters: { range: '30d' }, fitRange: true }]);
      const cost = fresh.page.locator('figure[data-chart="cost"]');
      expect(await cost.locator('figcaption').textContent()).toBe('Cost per hour by model');
      const pts = JSON.parse((await cost.getAttribute('data-points'))!) as {
        x: string[];
        series: { values: number[] }[];
      };
      expect(pts.x).toEqual(Array.from({ length: 16 }, (_, h) => `2026-03-14T${String(h).padStart(2, '0')}`));
      pts.x.forEach((hour, i) => {
        const spent = rows
          .filter((r) => new Date(r.startedAt).toISOString().slice(0, 13) === hour)
          .reduce((s, r) => s + (r.costUsd ?? 0), 0);
        expect(pts.series.reduce((s, x) => s + x.values[i]!, 0)).toBeCloseTo(spent, 5);
      });
      expect(await cost.locator('tbody tr').last().locator('th, td').first().textContent()).toBe('2026-03-14 15:00');
      expect(await fresh.page.locator('figure[data-chart="tokens"] figcaption').textContent()).toBe('Tokens per hour');
    } finally {
      await fresh.page.context().close();
    }
  });

  it('paints the numbers in the frame the snapshot arrives, the charts after it (#charts busy until then)', async () => {
    const fresh = await openPanel(browser, { state: { filters: { range: '30d' }, stackBy: 'model' }, theme: 'dark' });
    try {
      // A listener added after the page's own runs in the same task, right after the page's render.
      await fresh.page.evaluate(() => {
        window.addEventListener('message', () => {
          (window as unknown as { __atRender: unknown }).__atRender = {
            busy: document.getElementById('root')?.getAttribute('aria-busy'),
            cards: document.querySelectorAll('[data-card] .value').length,
            chartsBusy: document.getElementById('charts')?.getAttribute('aria-busy'),
            figures: document.querySelectorAll('figure[data-chart]').length,
          };
        });
      });
      await fresh.send({ type: 'snapshot', snapshot });
      expect(await fresh.page.evaluate(() => (window as unknown as { __atRender: unknown }).__atRender)).toEqual({
        busy: 'false',
        cards: 5,
        chartsBusy: 'true',
        figures: 0,
      });
      // Then, frame by frame, every chart; the status says "Updated" once they are in.
      expect(await fresh.page.locator('figure[data-chart]').count()).toBe(5);
      expect(await fresh.page.locator('#charts').getAttribute('aria-busy')).toBe('false');
      expect(await fresh.page.locator('#status').textContent()).toMatch(/^Updated /);
    } finally {
      await fresh.page.context().close();
    }
  });

  it('comes back from its saved state before any message arrives (reload, hidden panel)', async () => {
    const state = await panel.state();
    const again = await openPanel(browser, { state: state!, theme: 'dark' });
    try {
      expect(await again.page.locator('[data-card="month-cost"] .value').textContent()).toBe(await card('month-cost'));
      expect((await again.posted())[0]).toEqual({ type: 'ready', filters: { range: '7d', provider: 'openai' } });
    } finally {
      await again.page.context().close();
    }
  });

  it('screenshots in light, dark and high contrast themes (test/webview/artifacts/)', async () => {
    await panel.send({ type: 'snapshot', snapshot });
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await panel.setTheme(theme);
      const file = path.join(artifactsDir, `panel-${theme}.png`);
      await panel.page.screenshot({ path: file, fullPage: true });
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    }
    expect(await violations(panel)).toEqual([]);
  });
});
