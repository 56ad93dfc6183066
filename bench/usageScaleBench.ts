/**
 * Usage at scale (issue 27): a generated ledger of 1,000,000 rows over a year, then through the
 * real daemon and the real CLI: `usage` for 7 days, 30 days by day and 365 days by month, and
 * `usage export --csv` of the year, with the daemon's RSS sampled during and after each; then
 * the added cost of writing a row with its rollups. Prints a table and JSON.
 *
 *   npm run build && node bench/run.mjs --only usage [--rows N] [--before DIST_DIR] [--ledger FILE]
 *
 * --before runs the same queries against another build's daemon (e.g. main's dist/), alternating
 * with this build's on the same ledger (--rounds R, default 2), so both share the machine's load;
 * --before-schema5 instead gives it a ledger without rollups (the build before issue 27), where
 * its 365-day questions are skipped unless --before-full. Each round also times the panel's
 * first-paint questions ("Last 90 days": 90 days by day, the month by day, the breakdown, at once).
 */
import { runBench } from './benchMain';
import { runCli } from './cliRun';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { INSERT_COLUMNS, recordParams } from '../daemon/usage/ledgerRow';
import { migrate, SCHEMA_VERSION } from '../daemon/usage/migrations';
import { SqliteDb } from '../daemon/usage/sqlite';
import { UsageBreakdownRequest, UsageQueryRequest, type UsageQueryParams } from '../protocol/usage';
import { fetchSnapshot } from '../extension/panelData';
import { measureTable, type Measure } from './usageScaleTable';
import { generateLedger, syntheticRecord } from '../test/fixtures/usage/generateLedger';
import { seededRandom } from '../test/fixtures/seededRandom';
import { benchHome, rssOf } from './processes';
import { percentile } from './stats';

const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROWS = Number(arg('--rows') ?? 1_000_000);
const before = arg('--before');
const ROUNDS = Number(arg('--rounds') ?? 2);
/**
 * --ledger-schema N: the ledger is generated at schema N and the before build gets a copy of its
 * own, since a build older than this one's migrations refuses a ledger this build has upgraded.
 */
const LEDGER_SCHEMA = arg('--ledger-schema');
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};
const MB = 1024 * 1024;
const DAY = 86_400_000;

/** Samples the daemon's RSS every few ms while `work` runs. */
async function sampled<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; maxRss: number }> {
  let maxRss = rssOf(pid);
  const timer = setInterval(() => {
    maxRss = Math.max(maxRss, rssOf(pid));
  }, 5);
  try {
    const value = await work();
    return { value, maxRss: Math.max(maxRss, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

async function startDaemon(
  dist: string,
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<{ client: DaemonClient; pid: number }> {
  const client = await DaemonClient.connect({
    client: 'cli',
    home,
    autoStart: true,
    spawn: { daemonScript: path.join(dist, 'daemon.js'), env },
  });
  return { client, pid: (await client.status()).pid };
}

/** Waits until the daemon's background work (backfill, compaction) has nothing left. */
async function settled(file: string): Promise<void> {
  const db = await SqliteDb.open(file, { readOnly: true });
  try {
    for (;;) {
      const state = await db
        .all<{ key: string; value: number }>('SELECT key, value FROM usage_rollup_state')
        .catch(() => []);
      const cursor = state.find((r) => r.key === 'backfill_cursor')?.value ?? 0;
      const end = state.find((r) => r.key === 'backfill_end')?.value ?? 0;
      const pending =
        (
          await db.get<{ n: number }>(
            'SELECT COUNT(*) AS n FROM usage_daily WHERE pending >= 64 OR bucket < ? AND pending > 0',
            [Date.now() - (Date.now() % DAY)],
          )
        )?.n ?? 0;
      if (cursor >= end && pending === 0) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await db.close();
  }
}

/**
 * The panel's first-paint part as the extension reads it (extension/panelData.ts fetchSnapshot, "Last
 * 90 days"): open to `onFirstPaint`. The rest of the snapshot is then read before the next ask.
 */
async function firstPaintPart(client: DaemonClient, now: number): Promise<{ part: number; whole: number }> {
  const t = performance.now();
  let part = NaN;
  await fetchSnapshot(client, { range: '90d' }, undefined, now, () => {
    part = performance.now() - t;
  });
  return { part, whole: performance.now() - t };
}

/** Main's first paint asked for these three at once (before fetchSnapshot held the rest back). */
function firstPaint(client: DaemonClient, now: number, offset: number): Promise<unknown> {
  const since = now - 90 * DAY;
  const local = new Date(now + offset * 60_000);
  const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - offset * 60_000;
  const c = client.connection;
  return Promise.all([
    c.sendRequest(UsageQueryRequest.type, {
      since,
      until: now + 1,
      groupBy: 'day',
      filters: {},
      utcOffsetMinutes: offset,
    }),
    c.sendRequest(UsageQueryRequest.type, {
      since: monthStart,
      until: now + 1,
      groupBy: 'day',
      filters: {},
      utcOffsetMinutes: offset,
    }),
    c.sendRequest(UsageBreakdownRequest.type, { since, until: now + 1, utcOffsetMinutes: offset, groupBy: 'day' }),
  ]);
}

async function queries(
  label: string,
  dist: string,
  home: string,
  skipYear: boolean,
  exportToo = true,
): Promise<Measure[]> {
  const env = { ...process.env, CONDUIT_HOME: home };
  const cli = path.join(dist, 'cli.js');
  const { client, pid } = await startDaemon(dist, home, env);
  const out: Measure[] = [];
  try {
    if (dist === path.join(repo, 'dist') || !args.includes('--before-schema5')) {
      const t = performance.now();
      await settled(path.join(home, 'usage.db'));
      log(`[${label}] background compaction done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const idle = rssOf(pid);
    log(`[${label}] daemon pid ${pid}, idle RSS ${(idle / MB).toFixed(0)} MB`);
    const now = Date.now();
    const offset = -new Date(now).getTimezoneOffset();
    const cases: [string, UsageQueryParams, string[]][] = [
      ['usage (7 days)', { since: now - 7 * DAY, groupBy: 'day', utcOffsetMinutes: offset }, ['usage']],
      [
        'usage --since 30d --by day',
        { since: now - 30 * DAY, groupBy: 'day', utcOffsetMinutes: offset },
        ['usage', '--since', '30d', '--by', 'day'],
      ],
      [
        'usage --since 365d --by month',
        { since: now - 365 * DAY, groupBy: 'month', utcOffsetMinutes: offset },
        ['usage', '--since', '365d', '--by', 'month'],
      ],
    ];
    {
      // First, on the daemon as it started: the first ask is the one the panel's wait has to hold.
      // The whole snapshot is one of the queries too: its RSS is sampled like theirs.
      const parts: number[] = [];
      const wholes: number[] = [];
      const loads = await sampled(pid, async () => {
        for (let i = 0; i < 5; i++) {
          const r = await firstPaintPart(client, Date.now());
          parts.push(r.part);
          wholes.push(r.whole);
        }
      });
      out.push({
        name: 'panel first-paint part (fetchSnapshot)',
        daemonMs: percentile(parts, 50),
        cliMs: NaN,
        maxRssMb: (loads.maxRss - idle) / MB,
        afterRssMb: (rssOf(pid) - idle) / MB,
        detail: `first ${parts[0]!.toFixed(1)} ms; whole snapshot ${percentile(wholes, 50).toFixed(0)} ms, first ${wholes[0]!.toFixed(0)} ms`,
      });
      log(`[${label}] panel first-paint part: ${parts.map((x) => x.toFixed(1)).join(', ')} ms`);
    }
    {
      const times: number[] = [];
      const loads = await sampled(pid, async () => {
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          await firstPaint(client, Date.now(), offset);
          times.push(performance.now() - t);
        }
      });
      out.push({
        name: "panel first paint (main's 3 at once)",
        daemonMs: percentile(times, 50),
        cliMs: NaN,
        maxRssMb: (loads.maxRss - idle) / MB,
        afterRssMb: (rssOf(pid) - idle) / MB,
      });
      log(`[${label}] panel first paint: daemon ${percentile(times, 50).toFixed(1)} ms`);
    }
    for (const [name, params, argv] of cases) {
      if (skipYear && name.includes('365')) continue;
      // The daemon's own answer time (median of 5), then the same question through the CLI.
      const times: number[] = [];
      let maxRss = 0;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const r = await sampled(pid, () => client.connection.sendRequest(UsageQueryRequest.type, params));
        times.push(performance.now() - t);
        maxRss = Math.max(maxRss, r.maxRss);
      }
      const viaCli = await sampled(pid, () => runCli(cli, env, argv));
      out.push({
        name,
        daemonMs: percentile(times, 50),
        cliMs: viaCli.value.ms,
        maxRssMb: (Math.max(maxRss, viaCli.maxRss) - idle) / MB,
        afterRssMb: (rssOf(pid) - idle) / MB,
        // The first ask after start: with nothing kept from an earlier question (rollupSketchCache.ts).
        detail: `first ${times[0]!.toFixed(1)} ms`,
      });
      log(`[${label}] ${name}: daemon ${percentile(times, 50).toFixed(1)} ms, CLI ${viaCli.value.ms.toFixed(0)} ms`);
    }
    if (!skipYear && exportToo) {
      const file = path.join(home, 'export.csv');
      const r = await sampled(pid, () => runCli(cli, env, ['usage', 'export', '--csv', file, '--since', '365d']));
      const rows = Number(/Wrote (\d+) row/.exec(r.value.stderr)?.[1] ?? NaN);
      out.push({
        name: 'usage export --csv --since 365d',
        daemonMs: NaN,
        cliMs: r.value.ms,
        maxRssMb: (r.maxRss - idle) / MB,
        afterRssMb: (rssOf(pid) - idle) / MB,
        detail: `${rows} rows, ${Math.round(rows / (r.value.ms / 1000))} rows/s, ${(fs.statSync(file).size / MB).toFixed(0)} MB`,
      });
      log(`[${label}] export: ${out[out.length - 1]!.detail}`);
      fs.rmSync(file, { force: true });
    }
  } finally {
    await client.stop().catch(() => undefined);
    client.close();
    // The next round's daemon starts on the same home: let this one release its socket first.
    while (alive(pid)) await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The added time of the rollups on the reply path: a lone INSERT (as the ledger writes one row) with and without the trigger. */
async function writeCost(dir: string): Promise<{ withoutUs: number; withUs: number; added: number }> {
  const timeInserts = async (schema: number): Promise<number[]> => {
    const db = await SqliteDb.open(path.join(dir, `write-${schema}.db`));
    await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    await migrate(db, schema);
    // The columns this schema has: the sketch bins (and later columns) came with the rollups.
    const present = new Set((await db.all<{ name: string }>('PRAGMA table_info(requests)')).map((c) => c.name));
    const columns = INSERT_COLUMNS.filter((c) => present.has(c));
    const sql = `INSERT OR IGNORE INTO requests (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    const rand = seededRandom(5);
    const times: number[] = [];
    const start = Date.now() - 20 * DAY;
    for (let i = 0; i < 20_000; i++) {
      const record = syntheticRecord(rand, start + i * 60_000, i);
      const t = process.hrtime.bigint();
      // Binning is part of the cost: it runs in recordParams for every row.
      await db.runPrepared(sql, recordParams(record, 0).slice(0, columns.length));
      times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    await db.close();
    return times.slice(2000);
  };
  // Alternate, so both share the machine's noise.
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 2; round++) {
    a.push(...(await timeInserts(5)));
    b.push(...(await timeInserts(SCHEMA_VERSION)));
    for (const f of fs.readdirSync(dir)) if (f.startsWith('write-')) fs.rmSync(path.join(dir, f));
  }
  const withoutUs = percentile(a, 50);
  const withUs = percentile(b, 50);
  return { withoutUs, withUs, added: withUs - withoutUs };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { rows: ROWS };
  const home = benchHome();
  let beforeHome = home;
  const after: Measure[][] = [];
  const beforeRounds: Measure[][] = [];
  fs.writeFileSync(
    path.join(home, 'config.json'),
    JSON.stringify({ usage: { retentionDays: 400 }, idleTimeoutMinutes: 60 }),
  );
  try {
    let t = performance.now();
    // --ledger FILE: a copy of a ledger generated before (minutes saved a run; its rows end when it was made).
    if (arg('--ledger')) fs.copyFileSync(arg('--ledger')!, path.join(home, 'usage.db'));
    else
      await generateLedger(path.join(home, 'usage.db'), {
        rows: ROWS,
        days: 365,
        end: Date.now(),
        seed: 27,
        ...(LEDGER_SCHEMA ? { schemaVersion: Number(LEDGER_SCHEMA) } : {}),
      });
    if (LEDGER_SCHEMA) beforeHome = copyHome(home);
    results.generateSeconds = (performance.now() - t) / 1000;
    log(`generated ${ROWS} rows in ${(results.generateSeconds as number).toFixed(1)} s`);
    for (let round = 0; round < (before && !args.includes('--before-schema5') ? ROUNDS : 1); round++) {
      if (before && !args.includes('--before-schema5'))
        beforeRounds.push(await queries(`before ${round + 1}`, before, beforeHome, false, false));
      after.push(await queries(`after ${round + 1}`, path.join(repo, 'dist'), home, false, round === 0));
    }
    results.after = after[0];
    results.afterRounds = after;
    if (beforeRounds.length > 0) {
      results.before = beforeRounds[0];
      results.beforeRounds = beforeRounds;
    }
    t = performance.now();
    results.write = await writeCost(home);
    if (before && args.includes('--before-schema5')) {
      const oldHome = benchHome();
      await generateLedger(path.join(oldHome, 'usage.db'), {
        rows: ROWS,
        days: 365,
        end: Date.now(),
        seed: 27,
        schema: 'before-rollups',
      });
      results.before = await queries('before', before, oldHome, !args.includes('--before-full'));
      fs.rmSync(oldHome, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    if (beforeHome !== home) fs.rmSync(beforeHome, { recursive: true, force: true });
  }
  const w = results.write as { withoutUs: number; withUs: number; added: number };
  process.stdout.write(
    [
      `Usage at scale: ${ROWS} rows over 365 days (goals: each question <= 100 ms, export >= 200,000 rows/s, RSS within 50 MB of idle, row write +<= 20 us at p50)`,
      ...after.flatMap((m, i) => [
        ...(beforeRounds[i] ? [measureTable(`before, round ${i + 1} (${before})`, beforeRounds[i])] : []),
        measureTable(`after, round ${i + 1} (this build)`, m),
      ]),
      ...(results.before && beforeRounds.length === 0
        ? [measureTable(`before (${before})`, results.before as Measure[])]
        : []),
      `row write p50: ${w.withoutUs.toFixed(1)} us without rollups, ${w.withUs.toFixed(1)} us with (added ${w.added.toFixed(1)} us)`,
      JSON.stringify(results),
      '',
    ].join('\n'),
  );
}

runBench(main);

/** A second home with the same config and ledger (WAL files too, if any are left). */
function copyHome(home: string): string {
  const copy = benchHome();
  for (const name of ['config.json', 'usage.db', 'usage.db-wal', 'usage.db-shm']) {
    if (fs.existsSync(path.join(home, name))) fs.copyFileSync(path.join(home, name), path.join(copy, name));
  }
  return copy;
}
