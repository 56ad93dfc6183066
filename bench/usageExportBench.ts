/**
 * `conduit usage export` of a year (issue 27): where the time goes and the rows a second, before
 * and after, on one generated ledger, through the real daemon and the real CLI.
 *
 *   npm run build && node bench/run.mjs --only usage-export [--rows N | --ledger FILE] [--before DIST_DIR] [--rounds R]
 *
 * Stages, each on its own: SQLite building the CSV pages on its thread (selectCsvPage, in this
 * process); the export workers building and writing them (one, then two, in this process); the
 * daemon answering the pages over IPC without writing them (two in flight, as the CLI asks); the
 * whole CLI export to a file. --before runs the CLI export with another build's
 * daemon and CLI (e.g. the commit before this work), alternating with this build's, so both share
 * the machine's load. The daemon's RSS is sampled every 5 ms, its CPU time read from /proc, so
 * the CPU per row is a figure that load inflates far less than the wall time (the in-process
 * stages print this process's CPU a row too).
 */
import { alive, runBench } from './benchMain';
import { loadavg, runCli } from './cliRun';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { selectCsvPage } from '../daemon/usage/csvExportPage';
import { exportPageWidth, writeCsvWithWorkers, type ExportWorkerStats } from '../daemon/usage/exportWorkers';
import { SqliteDb } from '../daemon/usage/sqlite';
import { UsageExportRequest } from '../protocol/usage';
import { generateLedger } from '../test/fixtures/usage/generateLedger';
import { benchHome, cpuMsOf, rssOf } from './processes';
import { percentile } from './stats';

const repo = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROWS = Number(arg('--rows') ?? 1_000_000);
const ROUNDS = Number(arg('--rounds') ?? 2);
const before = arg('--before');
const after = path.join(repo, 'dist');
const MB = 1024 * 1024;
const DAY = 86_400_000;
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

interface Run {
  ms: number;
  rows: number;
  maxRss: number;
  /** RSS when the export has returned. */
  endRss: number;
  cpuMs: number;
}

async function measured(pid: number, work: () => Promise<number>): Promise<Run> {
  let maxRss = rssOf(pid);
  const timer = setInterval(() => {
    maxRss = Math.max(maxRss, rssOf(pid));
  }, 5);
  const cpu = cpuMsOf(pid);
  const t = performance.now();
  try {
    const rows = await work();
    const ms = performance.now() - t;
    const endRss = rssOf(pid);
    return { ms, rows, maxRss: Math.max(maxRss, endRss), endRss, cpuMs: cpuMsOf(pid) - cpu };
  } finally {
    clearInterval(timer);
  }
}

async function withDaemon<T>(
  dist: string,
  home: string,
  env: NodeJS.ProcessEnv,
  work: (client: DaemonClient, pid: number, idle: number) => Promise<T>,
): Promise<T> {
  const client = await DaemonClient.connect({
    client: 'cli',
    home,
    autoStart: true,
    spawn: { daemonScript: path.join(dist, 'daemon.js'), env },
  });
  let pid = NaN;
  try {
    pid = (await client.status()).pid;
    return await work(client, pid, rssOf(pid));
  } finally {
    await client.stop().catch(() => undefined);
    client.close();
    // The next build's daemon must not meet this one still stopping on the same socket.
    while (Number.isFinite(pid) && alive(pid)) await new Promise((r) => setTimeout(r, 50));
  }
}

/** This process's CPU (every thread: the SQLite thread, the export workers) a row since `from`, in µs. */
function cpuUsPerRow(from: NodeJS.CpuUsage, rows: number): number {
  const used = process.cpuUsage(from);
  return Number(((used.user + used.system) / rows).toFixed(2));
}

const rate = (r: Run): number => Math.round(r.rows / (r.ms / 1000));
const show = (r: Run, idle: number): string =>
  `${rate(r).toLocaleString('en')} rows/s (${r.rows} rows in ${r.ms.toFixed(0)} ms), ` +
  `daemon CPU ${((r.cpuMs * 1000) / r.rows).toFixed(1)} µs/row, RSS max +${((r.maxRss - idle) / MB).toFixed(1)} MB, ` +
  `+${((r.endRss - idle) / MB).toFixed(1)} MB at the end`;

async function main(): Promise<void> {
  const home = benchHome();
  const out: Record<string, unknown> = { rows: ROWS, date: new Date().toISOString() };
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ usage: { retentionDays: 400 } }));
  try {
    const file = path.join(home, 'usage.db');
    const t0 = performance.now();
    // --ledger FILE: a copy of a ledger generated before (its rows end when it was made; --rows is then ignored).
    const given = arg('--ledger');
    if (given) fs.copyFileSync(given, file);
    else await generateLedger(file, { rows: ROWS, days: 365, end: Date.now(), seed: 27 });
    log(`ledger: ${given ?? `${ROWS} rows`} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const since = Date.now() - 366 * DAY;

    // Stage 1: SQLite building the pages, on its thread, nothing else.
    const db = await SqliteDb.open(file, { readOnly: true });
    const sqlRuns: number[] = [];
    const sqlCpu: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      let rows = 0;
      for (let cursor = 0; ;) {
        const page = await selectCsvPage(db, {
          since,
          until: Date.now() + 1,
          limit: 5000,
          after: cursor,
          includeSamples: false,
        });
        rows += page.csvRows;
        if (page.next === null) break;
        cursor = page.next;
      }
      sqlRuns.push(Math.round(rows / ((performance.now() - t) / 1000)));
      sqlCpu.push(cpuUsPerRow(cpu, rows));
    }
    out.pagesBuilt = sqlRuns;
    out.pagesBuiltCpuUsPerRow = sqlCpu;
    log(
      `1. pages built by SQLite (selectCsvPage alone): ${sqlRuns.map((r) => r.toLocaleString('en')).join(', ')} rows/s` +
        `, this process's CPU ${sqlCpu.join(', ')} µs/row`,
    );

    // Stage 1w: the export workers (exportWorkers.ts) building and writing the pages, in this process.
    const range = (await db.get<{ first: number; last: number }>(
      'SELECT MIN(id) AS first, MAX(id) AS last FROM requests',
    ))!;
    await db.close();
    const workerRuns: Record<string, number[]> = {};
    const workerCpu: Record<string, number[]> = {};
    const workerStats: Record<string, ExportWorkerStats[]> = {};
    const scratch = path.join(home, 'workers.csv');
    for (let r = 0; r < ROUNDS; r++) {
      for (const workers of [1, 2]) {
        const fd = fs.openSync(scratch, 'w');
        const t = performance.now();
        const cpu = process.cpuUsage();
        const rows = await writeCsvWithWorkers({
          db: file,
          fd,
          since,
          until: Date.now() + 1,
          includeSamples: false,
          first: range.first - 1,
          last: range.last,
          width: exportPageWidth(false),
          workers,
          observe: (stats) => (workerStats[workers] ??= []).push(stats),
        });
        (workerRuns[workers] ??= []).push(Math.round(rows / ((performance.now() - t) / 1000)));
        (workerCpu[workers] ??= []).push(cpuUsPerRow(cpu, rows));
        fs.closeSync(fd);
        fs.rmSync(scratch);
      }
    }
    out.workersWrote = workerRuns;
    out.workersCpuUsPerRow = workerCpu;
    out.workersStats = workerStats;
    for (const [n, runs] of Object.entries(workerRuns))
      log(
        `1w. ${n} export worker(s) building and writing: ${runs.map((r) => r.toLocaleString('en')).join(', ')} rows/s` +
          `, this process's CPU ${workerCpu[n]!.join(', ')} µs/row, pages held at most ` +
          `${workerStats[n]!.map((s) => s.pagesHeldMax).join(', ')}, worker heap limit ` +
          `${(workerStats[n]![0]!.heapLimits[0]! / MB).toFixed(0)} MB, heap in use after its GCs at most ` +
          `${workerStats[n]!.map((s) => (Math.max(...s.heapUsedMax) / MB).toFixed(1)).join(', ')} MB`,
      );

    const env = { ...process.env, CONDUIT_HOME: home };
    const csv = path.join(home, 'export.csv');
    const exports: Record<string, Run[]> = { after: [], ...(before ? { before: [] } : {}) };
    const ipc: Run[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, dist] of [...(before ? [['before', before]] : []), ['after', after]] as const) {
        await withDaemon(dist, home, env, async (client, pid, idle) => {
          // Stage 3: the whole CLI export to a file, first, so each build's daemon starts from its idle.
          const run = await measured(pid, () =>
            runCli(path.join(dist, 'cli.js'), env, ['usage', 'export', '--csv', csv, '--since', '366d']).then((r) =>
              Number(/Wrote (\d+) row/.exec(r.stderr)?.[1] ?? NaN),
            ),
          );
          exports[name]!.push(run);
          log(`3. ${name}: conduit usage export --csv: ${show(run, idle)}`);
          fs.rmSync(csv, { force: true });
          if (name === 'after') {
            // Stage 2: the daemon's pages over IPC, read and dropped.
            const run = await measured(pid, async () => {
              let rows = 0;
              const ask = (cursor: number) =>
                client.connection.sendRequest(UsageExportRequest.type, { since, after: cursor, format: 'csv' });
              for (let page = await ask(0); ;) {
                const next = page.next === null ? null : ask(page.next);
                rows += page.csvRows ?? 0;
                if (next === null) break;
                page = await next;
              }
              return rows;
            });
            ipc.push(run);
            log(`2. pages over IPC, not written: ${show(run, idle)}`);
          }
        });
      }
    }
    const summary = (runs: Run[]) => ({
      rowsPerSec: percentile(runs.map(rate), 50),
      daemonCpuUsPerRow: percentile(
        runs.map((r) => (r.cpuMs * 1000) / r.rows),
        50,
      ),
      runs: runs.map((r) => ({ ms: Math.round(r.ms), rows: r.rows, rowsPerSec: rate(r) })),
    });
    out.ipc = summary(ipc);
    out.export = Object.fromEntries(Object.entries(exports).map(([k, v]) => [k, summary(v)]));
    const load = loadavg()[0]!.toFixed(2);
    out.loadAverage = load;
    log(`load average at the end: ${load}`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

runBench(main);
