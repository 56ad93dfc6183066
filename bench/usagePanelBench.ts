/**
 * The usage panel's first paint of "Last 90 days" on a year of heavy use (issue 27): from the
 * panel's open to its first painted figures, in real Chromium (the webview harness of
 * test/webview), fed by the real daemon over IPC with the extension's own fetchSnapshot.
 *
 *   npm run build && node bench/run.mjs --only usage-panel [--rows N] [--rounds R] [--before DIR] [--after DIR]
 *
 * "Open" is when the extension creates the panel: the page starts loading. "First paint" is the
 * frame after the page rendered the first (partial) snapshot: the cards hold figures
 * (`#root[aria-busy=false]` with the snapshot's `data-generated-at`), observed in the page by two
 * requestAnimationFrame callbacks, the second of which runs after that frame was painted. Each
 * round, in turn (the order rotates), in one browser and against one daemon:
 *   blank      the same harness opening the same shell without the panel's files, to two frames:
 *              Chromium's and the harness's own cost, which no change of ours can remove;
 *   before     --before DIR's page (a build of main), the snapshot asked for after the page posts
 *              `ready` (main's UsagePanel);
 *   afterReady this build's page with main's order (the page's part of the change alone);
 *   after      this build's page, the snapshot asked for as the panel is created (UsagePanel's
 *              prefetch, held by its PageOutbox until `ready`); also when its charts are drawn
 *              (`#charts` no longer aria-busy, then two frames);
 *   daemon     the first-paint snapshot's queries alone.
 * The message crosses into the page as JSON (as VS Code's does), not as Playwright's serialized
 * object, whose cost grows with the ~400 kB snapshot far beyond the page's.
 */
import { loadavg } from './cliRun';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { DaemonClient } from '../daemon/client/daemonClient';
import { fetchSnapshot, rangeOf } from '../extension/panelData';
import { call } from '../extension/rpc';
import { UsageBreakdownRequest } from '../protocol/usage';
import type { PanelFilters, PanelSnapshot } from '../protocol/webview';
import { generateLedger } from '../test/fixtures/usage/generateLedger';
import { chromiumPath, launch, openPanel, type PanelPage } from '../test/webview/panelPage';
import { benchHome } from './processes';
import { percentile } from './stats';

const repo = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROWS = Number(arg('--rows') ?? 1_000_000);
const ROUNDS = Number(arg('--rounds') ?? 7);
const BEFORE = arg('--before');
/** This build's page by default; --after DIR serves another (a copy taken before further edits). */
const AFTER = arg('--after');
const FILTERS: PanelFilters = { range: '90d' };
const STATE = { filters: FILTERS, stackBy: 'model' } as const;
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

const twoFrames = (panel: PanelPage): Promise<void> =>
  panel.page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

/** Resolves once the page has painted a frame showing the snapshot generated at `generatedAt`. */
async function painted(panel: PanelPage, generatedAt: number): Promise<void> {
  await panel.page.waitForFunction(
    (at) => {
      const root = document.getElementById('root');
      return root?.getAttribute('aria-busy') === 'false' && root.dataset.generatedAt === String(at);
    },
    generatedAt,
    { polling: 'raf', timeout: 0 },
  );
  await twoFrames(panel);
}

/** The first-paint (partial) snapshot, asked for now. */
function firstSnapshot(client: DaemonClient, now: number): Promise<PanelSnapshot> {
  return new Promise<PanelSnapshot>((resolve, reject) => {
    fetchSnapshot(client, FILTERS, undefined, now, resolve).catch(reject);
  });
}

/** Main's first-paint snapshot: the same totals with the whole breakdown, read in parallel (main's page needs it). */
async function mainsFirstSnapshot(client: DaemonClient, now: number): Promise<PanelSnapshot> {
  const utcOffsetMinutes = -new Date(now).getTimezoneOffset();
  const { since, until } = rangeOf(FILTERS, now, utcOffsetMinutes);
  const [part, breakdown] = await Promise.all([
    firstSnapshot(client, now),
    call(client, UsageBreakdownRequest.type, { since, until, utcOffsetMinutes, groupBy: 'day' }),
  ]);
  return { ...part, breakdown };
}

/** The size of the first message as it crosses into the page, in bytes of JSON. */
const firstBytes: { before?: number; after?: number } = {};

type Side = 'blank' | 'before' | 'afterReady' | 'after' | 'afterCharts' | 'daemon';
/** Where the time of an open went: the page's load (HTML, CSS, script, skeleton) and the message → painted. */
type Part = 'beforeOpen' | 'beforeMessage' | 'afterReadyOpen' | 'afterReadyMessage' | 'afterOpen' | 'afterMessage';
const emptyParts = (): Record<Part, number[]> => ({
  beforeOpen: [],
  beforeMessage: [],
  afterReadyOpen: [],
  afterReadyMessage: [],
  afterOpen: [],
  afterMessage: [],
});
const parts = emptyParts();

/** One open of each side, in the given order; each figure in ms from its own open. */
async function round(
  browser: Browser,
  client: DaemonClient,
  order: Side[],
  out: Record<Side, number[]>,
  split: Record<Part, number[]> = emptyParts(),
) {
  for (const side of order) {
    const t = performance.now();
    if (side === 'daemon') {
      await firstSnapshot(client, Date.now());
      out.daemon.push(performance.now() - t);
    } else if (side === 'blank') {
      const panel = await openPanel(browser, { state: STATE, theme: 'light', blank: true });
      await twoFrames(panel);
      out.blank.push(performance.now() - t);
      await panel.page.context().close();
    } else if (side === 'before' || side === 'afterReady') {
      const dist = side === 'before' ? BEFORE : AFTER;
      const panel = await openPanel(browser, { state: STATE, theme: 'light', ...(dist ? { dist } : {}) });
      split[side === 'before' ? 'beforeOpen' : 'afterReadyOpen'].push(performance.now() - t);
      const now = Date.now();
      const snapshot = await (side === 'before' ? mainsFirstSnapshot : firstSnapshot)(client, now);
      firstBytes[side === 'before' ? 'before' : 'after'] = JSON.stringify({ type: 'snapshot', snapshot }).length;
      const m = performance.now();
      await panel.post({ type: 'snapshot', snapshot });
      await painted(panel, now);
      split[side === 'before' ? 'beforeMessage' : 'afterReadyMessage'].push(performance.now() - m);
      out[side].push(performance.now() - t);
      await panel.page.context().close();
    } else if (side === 'after') {
      const now = Date.now();
      const first = firstSnapshot(client, now);
      const panel = await openPanel(browser, { state: STATE, theme: 'light', ...(AFTER ? { dist: AFTER } : {}) });
      split.afterOpen.push(performance.now() - t);
      const snapshot = await first;
      const m = performance.now();
      await panel.post({ type: 'snapshot', snapshot });
      await painted(panel, now);
      split.afterMessage.push(performance.now() - m);
      out.after.push(performance.now() - t);
      await panel.chartsDrawn();
      await twoFrames(panel);
      out.afterCharts.push(performance.now() - t);
      await panel.page.context().close();
    }
  }
}

async function main(): Promise<void> {
  if (!chromiumPath()) throw new Error('chromium not found (/usr/bin/chromium or CHROMIUM_PATH)');
  const home = benchHome();
  const out: Record<string, unknown> = { rows: ROWS, date: new Date().toISOString() };
  try {
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ usage: { retentionDays: 400 } }));
    const t0 = performance.now();
    await generateLedger(path.join(home, 'usage.db'), { rows: ROWS, days: 365, end: Date.now(), seed: 27 });
    log(`ledger: ${ROWS} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const env = { ...process.env, CONDUIT_HOME: home };
    const client = await DaemonClient.connect({
      client: 'vscode',
      home,
      autoStart: true,
      spawn: { daemonScript: path.join(repo, 'dist', 'daemon.js'), env },
    });
    const browser = await launch();
    try {
      const times: Record<Side, number[]> = {
        blank: [],
        before: [],
        afterReady: [],
        after: [],
        afterCharts: [],
        daemon: [],
      };
      const sides: Side[] = BEFORE
        ? ['blank', 'before', 'afterReady', 'after', 'daemon']
        : ['blank', 'afterReady', 'after', 'daemon'];
      // One warm-up round, not counted: the first page of a browser pays for its own start.
      await round(browser, client, sides, {
        blank: [],
        before: [],
        afterReady: [],
        after: [],
        afterCharts: [],
        daemon: [],
      });
      for (let r = 0; r < ROUNDS; r++) {
        const order = sides.map((_, i) => sides[(i + r) % sides.length]!);
        await round(browser, client, order, times, parts);
        log(
          `round ${r + 1}: ` +
            (Object.keys(times) as Side[])
              .filter((k) => times[k].length > 0)
              .map((k) => `${k} ${times[k].at(-1)!.toFixed(0)}`)
              .join(', ') +
            ' ms',
        );
      }
      const med = (xs: number[]) => (xs.length > 0 ? Math.round(percentile(xs, 50)) : null);
      const bytes = (dir: string) => fs.statSync(path.join(dir, 'webview.js')).size;
      out.firstPaintMs = Object.fromEntries((Object.keys(times) as Side[]).map((k) => [k, med(times[k])]));
      out.partsMs = Object.fromEntries((Object.keys(parts) as Part[]).map((k) => [k, med(parts[k])]));
      out.overBlankMs = {
        ...(BEFORE ? { before: med(times.before.map((x, i) => x - times.blank[i]!)) } : {}),
        after: med(times.after.map((x, i) => x - times.blank[i]!)),
      };
      out.firstMessageBytes = firstBytes;
      out.webviewJsBytes = {
        after: bytes(AFTER ?? path.join(repo, 'dist')),
        ...(BEFORE ? { before: bytes(BEFORE) } : {}),
      };
      log(`"Last 90 days", ${ROWS} rows, median of ${ROUNDS}, open → first paint:`);
      log(`  blank page (Chromium + harness)    ${med(times.blank)} ms`);
      if (BEFORE) log(`  before (main: asked after ready)   ${med(times.before)} ms`);
      log(`  this page, asked after ready       ${med(times.afterReady)} ms`);
      log(`  after (prefetched, numbers first)  ${med(times.after)} ms; charts drawn ${med(times.afterCharts)} ms`);
      log(`  the daemon's part alone            ${med(times.daemon)} ms`);
      const over = out.overBlankMs as { before?: number; after: number };
      log(`ours over the blank page (same round): ${BEFORE ? `before ${over.before} ms, ` : ''}after ${over.after} ms`);
      if (BEFORE)
        log(`  before: page load ${med(parts.beforeOpen)} ms, message → painted ${med(parts.beforeMessage)} ms`);
      log(
        `  this page after ready: load ${med(parts.afterReadyOpen)} ms, message → painted ${med(parts.afterReadyMessage)} ms`,
      );
      log(
        `  after (daemon reading meanwhile): load ${med(parts.afterOpen)} ms, message → painted ${med(parts.afterMessage)} ms`,
      );
      log(`first message: ${JSON.stringify(firstBytes)} bytes; webview.js ${JSON.stringify(out.webviewJsBytes)} bytes`);
    } finally {
      await browser.close();
      await client.stop().catch(() => undefined);
      client.close();
    }
    out.loadAverage = loadavg()[0]!.toFixed(2);
    log(`load average at the end: ${String(out.loadAverage)}`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main().catch((err) => {
  log(String(err instanceof Error ? err.stack : err));
  process.exit(1);
});
