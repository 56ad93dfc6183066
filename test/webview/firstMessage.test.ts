import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import { within } from '../../extension/firstPaintWait';
import { PageOutbox } from '../../extension/pageOutbox';
import { fetchSnapshot } from '../../extension/panelData';
import type { PanelSnapshot, ToWebview } from '../../protocol/webview';
import { generateLedger } from '../fixtures/usage/generateLedger';
import { DaemonHarness } from '../integration/harness';
import { chromiumPath, launch, openPanel, type PanelPage } from './panelPage';

const chromium = chromiumPath();
const built = ['webview.js', 'daemon.js'].every((f) => fs.existsSync(path.resolve(__dirname, '../../dist', f)));

interface Fixture {
  client: DaemonClient;
  browser: Browser;
}

/**
 * For the describe block that calls it: a real daemon over a ledger written before it starts (no
 * provider is called: the figures come from the ledger), a client of it, and Chromium.
 */
function daemonAndBrowser(now: number): Fixture {
  const fx = {} as Fixture;
  let h: DaemonHarness | undefined;
  beforeAll(async () => {
    h = new DaemonHarness('http://127.0.0.1:9');
    await generateLedger(path.join(h.home, 'usage.db'), { rows: 4000, days: 80, end: now - 60_000, seed: 27 });
    fx.client = await h.connect();
    fx.browser = await launch();
  });
  afterAll(async () => {
    fx.client?.close();
    await h?.dispose();
    await fx.browser?.close();
  });
  return fx;
}

/** As UsagePanel.refreshSnapshot posts them: the first-paint part as it lands, then the whole. */
async function snapshotMessages(client: DaemonClient, box: PageOutbox, now: number): Promise<void> {
  const whole = await fetchSnapshot(client, { range: '90d' }, undefined, now, (partial) =>
    box.post({ type: 'snapshot', snapshot: partial }),
  );
  box.post({ type: 'snapshot', snapshot: whole });
}

type Snap = Extract<ToWebview, { type: 'snapshot' }>;

/**
 * The first message the page gets is the small part (the per-day totals, no breakdown), and the
 * breakdown arrives after it and is drawn: read from the real daemon over its socket by the
 * extension's own fetchSnapshot, through the panel's PageOutbox, into the bundle in Chromium.
 */
describe.skipIf(!chromium || !built)("the usage panel's first message, from the real daemon", () => {
  const now = Date.now();
  const fx = daemonAndBrowser(now);

  for (const when of ['the page listens first', 'the snapshot lands before the page listens'] as const) {
    it(`${when}: the part without the breakdown goes first, then the whole, which draws the stacks`, async () => {
      const sent: Snap[] = [];
      const box = new PageOutbox((m) => {
        if (m.type === 'snapshot') sent.push(m);
      });
      if (when === 'the page listens first') box.ready();
      await snapshotMessages(fx.client, box, now);
      box.ready();

      expect(sent.map((m) => m.snapshot.partial === true)).toEqual([true, false]);
      const [first, whole] = sent as [Snap, Snap];
      expect(first.snapshot.generatedAt).toBe(whole.snapshot.generatedAt);
      expect(first.snapshot).not.toHaveProperty('breakdown');
      expect(whole.snapshot.breakdown?.cells.length).toBeGreaterThan(100);
      // The breakdown is most of a snapshot: the first message is a small fraction of the whole.
      const size = (m: ToWebview) => JSON.stringify(m).length;
      expect(size(first)).toBeLessThan(size(whole) / 4);

      const panel = await openPanel(fx.browser, {
        state: { filters: { range: '90d' }, stackBy: 'model' },
        theme: 'dark',
      });
      try {
        await recordFirstRender(panel);
        for (const m of sent) await panel.post(m);
        await panel.page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Updated'));
        await panel.chartsDrawn();
        // The first message painted the numbers: the cards were in when it was handled.
        expect(
          await panel.page.evaluate(() => (window as unknown as { __firstRender: unknown }).__firstRender),
        ).toEqual({ busy: 'false', cards: 5 });
        // The breakdown arrived and was drawn: cost stacked by the ledger's models, filter choices from it.
        const cost = JSON.parse(
          (await panel.page.locator('figure[data-chart="cost"]').getAttribute('data-points')) ?? '{}',
        ) as { series: { label: string }[] };
        expect(cost.series.map((s) => s.label).sort()).toEqual(models(whole.snapshot));
        const modelChoices = await panel.page
          .locator('#f-model option')
          .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
        expect(modelChoices).toEqual(['', ...models(whole.snapshot)]);
        expect((await panel.state())?.snapshot?.breakdown?.cells.length).toBe(whole.snapshot.breakdown?.cells.length);
      } finally {
        await panel.page.context().close();
      }
    });
  }

  it("a refresh's part updates the numbers and leaves the stacks and rows drawn until its whole", async () => {
    const sent: Snap[] = [];
    const box = new PageOutbox((m) => {
      if (m.type === 'snapshot') sent.push(m);
    });
    box.ready();
    await snapshotMessages(fx.client, box, now);
    await snapshotMessages(fx.client, box, now + 1000);
    const [first, whole, part, again] = sent as [Snap, Snap, Snap, Snap];
    const panel = await openPanel(fx.browser, {
      state: { filters: { range: '90d' }, stackBy: 'model' },
      theme: 'dark',
    });
    try {
      await panel.send(first);
      await panel.send(whole);
      const stacks = async () =>
        (
          JSON.parse((await panel.page.locator('figure[data-chart="cost"]').getAttribute('data-points')) ?? '{}') as {
            series: { label: string }[];
          }
        ).series.map((s) => s.label);
      const drawn = await stacks();
      expect(drawn).not.toEqual(['all']);
      const rows = await panel.page.locator('table[data-table="recent"] tbody tr').count();
      expect(rows).toBeGreaterThan(0);
      await panel.send(part);
      expect(await panel.page.locator('#root').getAttribute('data-generated-at')).toBe(String(now + 1000));
      expect(await stacks()).toEqual(drawn);
      expect(await panel.page.locator('table[data-table="recent"] tbody tr').count()).toBe(rows);
      await panel.send(again);
      expect((await panel.state())?.snapshot?.generatedAt).toBe(now + 1000);
      expect(await stacks()).toEqual(drawn);
    } finally {
      await panel.page.context().close();
    }
  });
});

/**
 * As UsagePanel opens when the daemon answers within the wait: the part read from the real daemon
 * goes into the page's HTML (the outbox told so), and only the whole is posted at `ready`.
 */
describe.skipIf(!chromium || !built)("the usage panel's first HTML, from the real daemon", () => {
  const now = Date.now();
  const fx = daemonAndBrowser(now);

  it('the part in the HTML paints the cards; the whole alone follows at ready and draws the stacks', async () => {
    const sent: Snap[] = [];
    const box = new PageOutbox((m) => {
      if (m.type === 'snapshot') sent.push(m);
    });
    let part!: (s: PanelSnapshot) => void;
    const inTime = within(new Promise<PanelSnapshot>((r) => (part = r)), new Promise<void>(() => undefined));
    const whole = await fetchSnapshot(fx.client, { range: '90d' }, undefined, now, (partial) => {
      part(partial);
      box.post({ type: 'snapshot', snapshot: partial });
    });
    const first = (await inTime)!;
    box.inPage(first.generatedAt);
    box.post({ type: 'snapshot', snapshot: whole });

    const panel = await openPanel(fx.browser, {
      state: { filters: { range: '90d' }, stackBy: 'model' },
      theme: 'dark',
      first,
    });
    try {
      expect(await panel.page.locator('#root').getAttribute('data-generated-at')).toBe(String(now));
      expect(await panel.page.locator('[data-card] .value').count()).toBe(5);
      box.ready();
      expect(sent.map((m) => m.snapshot.partial === true)).toEqual([false]);
      await panel.post(sent[0]!);
      await panel.page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Updated'));
      await panel.chartsDrawn();
      const cost = JSON.parse(
        (await panel.page.locator('figure[data-chart="cost"]').getAttribute('data-points')) ?? '{}',
      ) as { series: { label: string }[] };
      expect(cost.series.map((s) => s.label).sort()).toEqual(models(whole));
    } finally {
      await panel.page.context().close();
    }
  });
});

function models(s: PanelSnapshot): string[] {
  return [...new Set(s.breakdown?.cells.map((c) => c.model))].sort((a, b) => a.localeCompare(b));
}

/** What the page showed right after handling its first message (a listener added after the page's own). */
async function recordFirstRender(panel: PanelPage): Promise<void> {
  await panel.page.evaluate(() => {
    const w = window as unknown as { __firstRender?: unknown };
    window.addEventListener('message', () => {
      w.__firstRender ??= {
        busy: document.getElementById('root')?.getAttribute('aria-busy'),
        cards: document.querySelectorAll('[data-card] .value').length,
      };
    });
  });
}
