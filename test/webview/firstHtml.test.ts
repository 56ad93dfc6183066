import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PanelFilters, PanelSnapshot } from '../../protocol/webview';
import { chromiumPath, launch, openPanel, violations, type PanelPage } from './panelPage';
import { HOSTILE_FEATURE, HOSTILE_MODEL, NOW, seededSnapshot } from './seededLedger';

const chromium = chromiumPath();
const bundle = path.resolve(__dirname, '../../dist/webview.js');

/** The first-paint part of the seeded snapshot, as fetchSnapshot gives it, with hostile filter strings. */
function firstPart(generatedAt = NOW, range: PanelFilters['range'] = '30d'): PanelSnapshot {
  const { breakdown: _whole, ...rest } = seededSnapshot(undefined, {
    range,
    model: `</script><script>window.__pwned = 'json'</script>${HOSTILE_MODEL}`,
    feature: HOSTILE_FEATURE,
  });
  return { ...rest, generatedAt, recent: [], partial: true };
}

const cardsOf = (p: PanelPage) =>
  p.page.evaluate(() => {
    const cards = Array.from(document.querySelectorAll('#cards .card'));
    return {
      html: document.getElementById('cards')?.outerHTML,
      text: cards.map((c) => Array.from(c.children).map((x) => x.textContent)),
    };
  });

const pwned = (p: PanelPage) =>
  p.page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    images: document.querySelectorAll('img').length,
  }));

/**
 * The cards written into the page's HTML by the extension (extension/panelPageHtml.ts) against
 * the cards the page's script draws from the snapshot message: the same markup for the same
 * snapshot, painted before any script runs, taken over by the script without a frame lost.
 */
describe.skipIf(!chromium)("the usage panel's cards in its first HTML", () => {
  let browser: Browser;
  const opened: PanelPage[] = [];
  const open = async (opts: Parameters<typeof openPanel>[1]) => {
    const p = await openPanel(browser, opts);
    opened.push(p);
    return p;
  };

  beforeAll(async () => {
    if (!fs.existsSync(bundle)) throw new Error('dist/webview.js is missing: run `npm run build` first');
    browser = await launch();
  });

  afterAll(async () => {
    for (const p of opened) await p.page.context().close();
    await browser?.close();
  });

  it('the HTML alone shows the figures, as the script draws them from the message', async () => {
    const first = firstPart();
    const html = await open({ theme: 'light', first, noScript: true });
    const script = await open({ theme: 'light' });
    await script.post({ type: 'snapshot', snapshot: first });
    await script.page.waitForFunction(() => document.getElementById('root')?.getAttribute('aria-busy') === 'false');

    const root = await html.page.evaluate(() => {
      const r = document.getElementById('root');
      return { busy: r?.getAttribute('aria-busy'), at: r?.dataset.generatedAt };
    });
    expect(root).toEqual({ busy: 'false', at: String(NOW) });
    const fromHtml = await cardsOf(html);
    expect(fromHtml.text).toHaveLength(5);
    expect(fromHtml.text[0]?.[0]).toBe('Cost today');
    expect(fromHtml).toEqual(await cardsOf(script));
    // The snapshot's hostile strings stayed data: nothing ran, no element came of them.
    expect(await pwned(html)).toEqual({ pwned: undefined, images: 0 });
    expect(await violations(html)).toEqual([]);
  });

  it('the script takes over the HTML snapshot: controls, the fitted range, the charts, no second ask', async () => {
    // Fitted to a week: the page's default is 30 days, so the select shows the snapshot was taken.
    const first = firstPart(NOW, '7d');
    const p = await open({ theme: 'dark', first });
    await p.chartsDrawn();
    const page = await p.page.evaluate(() => ({
      busy: document.getElementById('root')?.getAttribute('aria-busy'),
      at: document.getElementById('root')?.dataset.generatedAt,
      range: (document.getElementById('f-range') as HTMLSelectElement | null)?.value,
      charts: document.querySelectorAll('#charts figure').length,
      recent: document.querySelector('#recent .body')?.textContent,
    }));
    expect(page).toEqual({ busy: 'false', at: String(NOW), range: '7d', charts: page.charts, recent: 'Loading…' });
    expect(page.charts).toBeGreaterThan(0);
    // It asked as a new page does (the extension's prefetch matches it, so nothing is read twice).
    expect(await p.posted()).toEqual([{ type: 'ready', filters: { range: '30d' }, fitRange: true }]);
    // The same cards the HTML had.
    const alone = await open({ theme: 'dark', first, noScript: true });
    expect((await cardsOf(p)).text).toEqual((await cardsOf(alone)).text);
    // The parsed JSON is the snapshot itself, hostile strings and all, as text.
    const filters = await p.page.evaluate(() => {
      const s = document.getElementById('first-snapshot')?.textContent ?? '';
      return (JSON.parse(s) as { filters: unknown }).filters;
    });
    expect(filters).toEqual(first.filters);
    expect(await pwned(p)).toEqual({ pwned: undefined, images: 0 });
    expect(await violations(p)).toEqual([]);
  });

  it("a page that reloads with a newer snapshot saved shows that one, not the HTML's", async () => {
    const saved = { ...firstPart(NOW + 60_000), partial: undefined, breakdown: seededSnapshot().breakdown! };
    delete saved.partial;
    const p = await open({
      theme: 'light',
      first: firstPart(NOW),
      state: { filters: { range: '30d' }, stackBy: 'model', snapshot: saved },
    });
    await p.chartsDrawn();
    expect(await p.page.evaluate(() => document.getElementById('root')?.dataset.generatedAt)).toBe(
      String(NOW + 60_000),
    );
  });
});
