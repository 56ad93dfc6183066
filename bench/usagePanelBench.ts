/**
 * The usage panel's first paint of "Last 90 days" on a year of heavy use (issue 27): from the
 * panel's open to its first painted figures, in real Chromium (the webview harness of
 * test/webview), fed by the real daemon over IPC with the extension's own fetchSnapshot.
 *
 *   npm run build && node bench/run.mjs --only usage-panel [--rows N] [--rounds R]
 *
 * "Open" is when the extension creates the panel: the page starts loading and, in the same
 * moment, the extension asks the daemon for the snapshot (UsagePanel prefetches it). "First
 * paint" is the frame after the page rendered the first (partial) snapshot: the cards and charts
 * hold figures (`#root[aria-busy=false]` with the snapshot's `data-generated-at`), observed in
 * the page by two requestAnimationFrame callbacks, the second of which runs after that frame was
 * painted. Also shown: the same with the old order (the snapshot asked for only after the page
 * posts `ready`), and the daemon's part alone.
 */
import { loadavg } from './cliRun';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { fetchSnapshot } from '../extension/panelData';
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
const FILTERS: PanelFilters = { range: '90d' };
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

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
  await panel.page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );
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
      const daemonOnly: number[] = [];
      const prefetched: number[] = [];
      const afterReady: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // The daemon's part alone: the first-paint snapshot's queries.
        let t = performance.now();
        await new Promise<void>((resolve, reject) => {
          fetchSnapshot(client, FILTERS, undefined, Date.now(), () => resolve()).catch(reject);
        });
        daemonOnly.push(performance.now() - t);

        // Prefetched: the snapshot is asked for as the page starts loading.
        t = performance.now();
        const now = Date.now();
        const first = new Promise<PanelSnapshot>((resolve, reject) => {
          fetchSnapshot(client, FILTERS, undefined, now, resolve).catch(reject);
        });
        let panel = await openPanel(browser, { state: { filters: FILTERS, stackBy: 'model' }, theme: 'light' });
        await panel.send({ type: 'snapshot', snapshot: await first });
        await painted(panel, now);
        prefetched.push(performance.now() - t);
        await panel.page.context().close();

        // The old order: the page loads and posts `ready`, then the snapshot is asked for.
        t = performance.now();
        panel = await openPanel(browser, { state: { filters: FILTERS, stackBy: 'model' }, theme: 'light' });
        const later = Date.now();
        const partial = await new Promise<PanelSnapshot>((resolve, reject) => {
          fetchSnapshot(client, FILTERS, undefined, later, resolve).catch(reject);
        });
        await panel.send({ type: 'snapshot', snapshot: partial });
        await painted(panel, later);
        afterReady.push(performance.now() - t);
        await panel.page.context().close();
        log(
          `round ${round + 1}: daemon ${daemonOnly.at(-1)!.toFixed(0)} ms, open → first paint ` +
            `${prefetched.at(-1)!.toFixed(0)} ms (prefetched), ${afterReady.at(-1)!.toFixed(0)} ms (after ready)`,
        );
      }
      const med = (xs: number[]) => Math.round(percentile(xs, 50));
      out.firstPaintMs = { prefetched: med(prefetched), afterReady: med(afterReady), daemonOnly: med(daemonOnly) };
      log(
        `"Last 90 days", median of ${ROUNDS}: open → first paint ${med(prefetched)} ms (prefetched), ` +
          `${med(afterReady)} ms (asked after ready); the daemon's part ${med(daemonOnly)} ms`,
      );
    } finally {
      await browser.close();
      await client.stop().catch(() => undefined);
      client.close();
    }
    out.loadAverage = loadavg()[0]!.toFixed(2);
    log(`load average at the end: ${String(out.loadAverage)}`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main().catch((err) => {
  log(String(err instanceof Error ? err.stack : err));
  process.exit(1);
});
