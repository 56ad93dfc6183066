/**
 * The usage panel's first paint of "Last 90 days" on a year of heavy use (issue 27): from the
 * panel's open to its first painted figures, in real Chromium (the webview harness of
 * test/webview), fed by the real daemon over IPC with the extension's own fetchSnapshot.
 *
 *   npm run build && node bench/run.mjs --only usage-panel [--rows N] [--rounds R] [--before DIR] [--after DIR]
 *     [--wait MS]   (the html side's wait for the first snapshot; UsagePanel's FIRST_HTML_WAIT_MS by default)
 *
 * "Open" is when the extension creates the panel: the page starts loading. "First paint" is the
 * first frame showing the first (partial) snapshot's figures: `#root[aria-busy=false]` with the
 * snapshot's `data-generated-at`, whether the page's script drew the cards from the message or the
 * cards came in the page's HTML. It is observed in the page (openPanel's `timing`): a
 * requestAnimationFrame loop from before the page's own scripts records the callback after the
 * first such frame, which runs once that frame was painted, in epoch ms
 * (`performance.timeOrigin + performance.now()`, the same clock as this process's). Each round,
 * in turn (the order rotates), in one browser and against one daemon:
 *   blank      the same harness opening a shell without the panel's files, to its first painted
 *              frame: Chromium's and the harness's own cost, which no change of ours can remove;
 *   before     --before DIR's page (a build of main), the snapshot asked for after the page posts
 *              `ready` (main's UsagePanel);
 *   afterReady this build's page with main's order (the page's part of the change alone);
 *   after      this build's page, the snapshot asked for as the panel is created and posted as a
 *              message once the page has loaded (the path when the daemon misses the HTML's wait);
 *              also when its charts are drawn (`#charts` no longer aria-busy, then two frames);
 *   html       as UsagePanel now opens: the snapshot asked for as the panel is created, the page's
 *              HTML set when its first-paint part is in (at most FIRST_HTML_WAIT_MS), with the cards
 *              in it (extension/panelPageHtml.ts); an open whose part missed the wait falls back to
 *              the message and is counted;
 *   htmlInHand the html side's page alone: the part read before the open (not timed), then the
 *              page with its cards in the HTML, open → first paint: what the page costs;
 *   daemon     the first-paint snapshot's queries alone.
 * The message crosses into the page as JSON (as VS Code's does), not as Playwright's serialized
 * object, whose cost grows with the ~400 kB snapshot far beyond the page's.
 */
import { loadavg } from './cliRun';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { DaemonClient } from '../daemon/client/daemonClient';
import { deadline, FIRST_HTML_WAIT_MS, within } from '../extension/firstPaintWait';
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
/** The html side's wait for the part (UsagePanel's FIRST_HTML_WAIT_MS unless --wait MS). */
const WAIT_MS = Number(arg('--wait') ?? FIRST_HTML_WAIT_MS);
const FILTERS: PanelFilters = { range: '90d' };
const STATE = { filters: FILTERS, stackBy: 'model' } as const;
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** Two frames from now, seen from this process (the charts' end only). */
const twoFrames = (panel: PanelPage): Promise<void> =>
  panel.page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

/** Epoch ms with sub-ms precision, the clock the page's own timings use (openPanel's `timing`). */
const clock = (): number => performance.timeOrigin + performance.now();

/**
 * When the page painted the first frame showing the snapshot generated at `generatedAt`, as the
 * page itself saw it (epoch ms); waits for it.
 */
async function painted(panel: PanelPage, generatedAt: number): Promise<number> {
  const key = String(generatedAt);
  const handle = await panel.page.waitForFunction(
    (k) => (window as unknown as { __figuresAt: Record<string, number> }).__figuresAt[k],
    key,
    { polling: 'raf', timeout: 0 },
  );
  return (await handle.jsonValue()) as number;
}

/** When the page painted its first frame (epoch ms). */
async function firstFrame(panel: PanelPage): Promise<number> {
  const handle = await panel.page.waitForFunction(
    () => (window as unknown as { __firstFrameAt?: number }).__firstFrameAt,
    undefined,
    { polling: 'raf', timeout: 0 },
  );
  return (await handle.jsonValue()) as number;
}

/** The first-paint (partial) snapshot, asked for now. */
function firstSnapshot(client: DaemonClient, now: number): Promise<PanelSnapshot> {
  return new Promise<PanelSnapshot>((resolve, reject) => {
    const whole = fetchSnapshot(client, FILTERS, undefined, now, resolve);
    wholes.push(whole.catch(() => undefined));
    whole.catch(reject);
  });
}

/**
 * The rest of each snapshot (breakdown, recent rows, experiments), still being read after its part:
 * awaited, untimed, before the next open, so each open's part is read as one panel's would be and
 * not behind the previous open's rest.
 */
const wholes: Promise<unknown>[] = [];
async function restRead(): Promise<void> {
  while (wholes.length > 0) await wholes.shift();
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

type Side = 'blank' | 'before' | 'afterReady' | 'after' | 'afterCharts' | 'html' | 'htmlInHand' | 'daemon';
/** Opens of the `html` side whose snapshot was not in within the wait (the page opened without it). */
let htmlFallbacks = 0;
/** Where the time of an open went: the page's load (HTML, CSS, script, skeleton) and the message → painted. */
type Part =
  | 'beforeOpen'
  | 'beforeMessage'
  | 'afterReadyOpen'
  | 'afterReadyMessage'
  | 'afterOpen'
  | 'afterMessage'
  | 'htmlWait'
  | 'htmlPaint';
const emptyParts = (): Record<Part, number[]> => ({
  beforeOpen: [],
  beforeMessage: [],
  afterReadyOpen: [],
  afterReadyMessage: [],
  afterOpen: [],
  afterMessage: [],
  htmlWait: [],
  htmlPaint: [],
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
    await restRead();
    const t = clock();
    if (side === 'daemon') {
      await firstSnapshot(client, Date.now());
      out.daemon.push(clock() - t);
    } else if (side === 'blank') {
      const panel = await openPanel(browser, { state: STATE, theme: 'light', blank: true, timing: true });
      out.blank.push((await firstFrame(panel)) - t);
      await panel.page.context().close();
    } else if (side === 'before' || side === 'afterReady') {
      const dist = side === 'before' ? BEFORE : AFTER;
      const panel = await openPanel(browser, { state: STATE, theme: 'light', timing: true, ...(dist ? { dist } : {}) });
      const m = clock();
      split[side === 'before' ? 'beforeOpen' : 'afterReadyOpen'].push(m - t);
      const now = Date.now();
      const snapshot = await (side === 'before' ? mainsFirstSnapshot : firstSnapshot)(client, now);
      firstBytes[side === 'before' ? 'before' : 'after'] = JSON.stringify({ type: 'snapshot', snapshot }).length;
      const posted = clock();
      await panel.post({ type: 'snapshot', snapshot });
      const at = await painted(panel, now);
      split[side === 'before' ? 'beforeMessage' : 'afterReadyMessage'].push(at - posted);
      out[side].push(at - t);
      await panel.page.context().close();
    } else if (side === 'after') {
      const now = Date.now();
      const first = firstSnapshot(client, now);
      const panel = await openPanel(browser, {
        state: STATE,
        theme: 'light',
        timing: true,
        ...(AFTER ? { dist: AFTER } : {}),
      });
      split.afterOpen.push(clock() - t);
      const snapshot = await first;
      const posted = clock();
      await panel.post({ type: 'snapshot', snapshot });
      const at = await painted(panel, now);
      split.afterMessage.push(at - posted);
      out.after.push(at - t);
      await panel.chartsDrawn();
      await twoFrames(panel);
      out.afterCharts.push(clock() - t);
      await panel.page.context().close();
    } else if (side === 'html') {
      // As UsagePanel does: the part read as the panel is created, its cards in the HTML when it
      // is in within FIRST_HTML_WAIT_MS; else the page opens without it and gets it as a message.
      const now = Date.now();
      const read = firstSnapshot(client, now);
      const wait = deadline(WAIT_MS);
      let ready = 0;
      // The page is made meanwhile, as VS Code makes the panel at once; its HTML waits for this.
      const inTime = within(read, wait.done).then((s) => {
        wait.cancel();
        ready = clock();
        split.htmlWait.push(ready - t);
        return s;
      });
      const panel = await openPanel(browser, {
        state: STATE,
        theme: 'light',
        timing: true,
        first: inTime,
        ...(AFTER ? { dist: AFTER } : {}),
      });
      const first = await inTime;
      if (!first) {
        htmlFallbacks++;
        await panel.post({ type: 'snapshot', snapshot: await read });
      }
      const at = await painted(panel, now);
      if (first) split.htmlPaint.push(at - ready);
      out.html.push(at - t);
      await panel.page.context().close();
    } else if (side === 'htmlInHand') {
      // The page's part of the HTML path alone: the part read before the open, not timed.
      const now = Date.now();
      const first = await firstSnapshot(client, now);
      const start = clock();
      const panel = await openPanel(browser, {
        state: STATE,
        theme: 'light',
        timing: true,
        first,
        ...(AFTER ? { dist: AFTER } : {}),
      });
      out.htmlInHand.push((await painted(panel, now)) - start);
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
    // --ledger FILE: a copy of a ledger generated before (its rows end when it was made).
    if (arg('--ledger')) fs.copyFileSync(arg('--ledger')!, path.join(home, 'usage.db'));
    else await generateLedger(path.join(home, 'usage.db'), { rows: ROWS, days: 365, end: Date.now(), seed: 27 });
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
        html: [],
        htmlInHand: [],
        daemon: [],
      };
      const sides: Side[] = BEFORE
        ? ['blank', 'before', 'afterReady', 'after', 'html', 'htmlInHand', 'daemon']
        : ['blank', 'afterReady', 'after', 'html', 'htmlInHand', 'daemon'];
      // One warm-up round, not counted: the first page of a browser pays for its own start.
      await round(browser, client, sides, {
        blank: [],
        before: [],
        afterReady: [],
        after: [],
        afterCharts: [],
        html: [],
        htmlInHand: [],
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
        html: med(times.html.map((x, i) => x - times.blank[i]!)),
        htmlInHand: med(times.htmlInHand.map((x, i) => x - times.blank[i]!)),
      };
      out.htmlFallbacks = htmlFallbacks;
      out.waitMs = WAIT_MS;
      out.firstMessageBytes = firstBytes;
      out.webviewJsBytes = {
        after: bytes(AFTER ?? path.join(repo, 'dist')),
        ...(BEFORE ? { before: bytes(BEFORE) } : {}),
      };
      log(`"Last 90 days", ${ROWS} rows, median of ${ROUNDS}, the HTML's wait ${WAIT_MS} ms, open → first paint:`);
      log(`  blank page (Chromium + harness)    ${med(times.blank)} ms`);
      if (BEFORE) log(`  before (main: asked after ready)   ${med(times.before)} ms`);
      log(`  this page, asked after ready       ${med(times.afterReady)} ms`);
      log(`  after (prefetched, numbers first)  ${med(times.after)} ms; charts drawn ${med(times.afterCharts)} ms`);
      log(
        `  html (cards in the page's HTML)    ${med(times.html)} ms (${htmlFallbacks} opens fell back to the message)`,
      );
      log(`  the daemon's part alone            ${med(times.daemon)} ms`);
      log(`  html, the part already in hand      ${med(times.htmlInHand)} ms (the page's share alone)`);
      const over = out.overBlankMs as { before?: number; after: number; html: number; htmlInHand: number };
      log(
        `ours over the blank page (same round): ${BEFORE ? `before ${over.before} ms, ` : ''}` +
          `after ${over.after} ms, html ${over.html} ms, html in hand ${over.htmlInHand} ms`,
      );
      if (BEFORE)
        log(`  before: page load ${med(parts.beforeOpen)} ms, message → painted ${med(parts.beforeMessage)} ms`);
      log(
        `  this page after ready: load ${med(parts.afterReadyOpen)} ms, message → painted ${med(parts.afterReadyMessage)} ms`,
      );
      log(
        `  after (daemon reading meanwhile): load ${med(parts.afterOpen)} ms, message → painted ${med(parts.afterMessage)} ms`,
      );
      log(`  html: open → HTML ready ${med(parts.htmlWait)} ms, HTML ready → painted ${med(parts.htmlPaint)} ms`);
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
