/**
 * The usage ledger's hot paths (issue 27), before and after: on a generated ledger, through the
 * real daemon and CLI, `usage export --csv` throughput and the daemon's RSS; `experiments/results`
 * over the year; the panel's first paint data (cards and charts of "Last 90 days") against its
 * full snapshot; and the time a lone row INSERT takes with the rollups as each schema keeps them.
 *
 *   npm run build && node bench/run.mjs --only usage-hot [--rows N] [--dist DIR --schema V]
 *
 * --dist runs another build's daemon and CLI (e.g. an older commit's dist/) on a ledger of the
 * schema it knows (--schema, e.g. 7 for the trigger-kept rollups).
 */
import { runCli } from './cliRun';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { INSERT_COLUMNS, recordParams } from '../daemon/usage/ledgerRow';
import { migrate, SCHEMA_VERSION } from '../daemon/usage/migrations';
import { SqliteDb } from '../daemon/usage/sqlite';
import { fetchSnapshot } from '../extension/panelData';
import { ExperimentsResultsRequest } from '../protocol';
import { generateLedger, syntheticRecord } from '../test/fixtures/usage/generateLedger';
import { seededRandom } from '../test/fixtures/seededRandom';
import { benchHome, rssOf } from './processes';
import { percentile } from './stats';

const repo = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROWS = Number(arg('--rows') ?? 300_000);
const dist = path.resolve(arg('--dist') ?? path.join(repo, 'dist'));
const schema = Number(arg('--schema') ?? SCHEMA_VERSION);
const MB = 1024 * 1024;
const DAY = 86_400_000;
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

async function sampled<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; maxRss: number; ms: number }> {
  let maxRss = rssOf(pid);
  const timer = setInterval(() => {
    maxRss = Math.max(maxRss, rssOf(pid));
  }, 5);
  const t = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - t, maxRss: Math.max(maxRss, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/** A lone INSERT's p50 (as the ledger writes one row) at a schema version: 5 none, 7 triggers, 8+ the roller. */
async function insertP50(dir: string, version: number): Promise<number> {
  const file = path.join(dir, `write-${version}.db`);
  const db = await SqliteDb.open(file);
  await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  await migrate(db, version);
  const present = new Set((await db.all<{ name: string }>('PRAGMA table_info(requests)')).map((c) => c.name));
  const columns = INSERT_COLUMNS.filter((c) => present.has(c));
  const sql = `INSERT OR IGNORE INTO requests (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  const rand = seededRandom(5);
  const times: number[] = [];
  const start = Date.now() - 20 * DAY;
  for (let i = 0; i < 10_000; i++) {
    const params = recordParams(syntheticRecord(rand, start + i * 60_000, i), 0).slice(0, columns.length);
    const t = process.hrtime.bigint();
    await db.runPrepared(sql, params);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  await db.close();
  for (const f of fs.readdirSync(dir)) if (f.startsWith(`write-${version}.db`)) fs.rmSync(path.join(dir, f));
  return percentile(times.slice(1000), 50);
}

async function main(): Promise<void> {
  const home = benchHome();
  const out: Record<string, unknown> = { rows: ROWS, dist, schema };
  fs.writeFileSync(
    path.join(home, 'config.json'),
    JSON.stringify({
      usage: { retentionDays: 400 },
      idleTimeoutMinutes: 60,
      experiments: [
        {
          id: 'ab',
          feature: 'ask',
          arms: [
            { name: 'a', provider: 'openai', model: 'gpt-5.4-mini' },
            { name: 'b', provider: 'anthropic', model: 'claude-haiku-4-5' },
          ],
        },
      ],
    }),
  );
  try {
    const file = path.join(home, 'usage.db');
    await generateLedger(file, { rows: ROWS, days: 365, end: Date.now(), seed: 27, schemaVersion: schema });
    // A tenth of the rows belong to an experiment's two arms, some of them rated.
    const db = await SqliteDb.open(file);
    await db.exec(`UPDATE requests SET experiment_arm = 'ab/' || CASE id % 20 WHEN 0 THEN 'a' ELSE 'b' END
      WHERE id % 10 = 0;
      INSERT INTO ratings (request_id, rating, reason, feature, rated_at)
        SELECT request_id, CASE id % 3 WHEN 0 THEN -1 ELSE 1 END, 'user', feature, started_at FROM requests
        WHERE id % 30 = 0;
      PRAGMA wal_checkpoint(TRUNCATE);`);
    await db.close();
    const env = { ...process.env, CONDUIT_HOME: home };
    const client = await DaemonClient.connect({
      client: 'cli',
      home,
      autoStart: true,
      spawn: { daemonScript: path.join(dist, 'daemon.js'), env },
    });
    try {
      const pid = (await client.status()).pid;
      const idle = rssOf(pid);
      log(`daemon pid ${pid}, idle RSS ${(idle / MB).toFixed(0)} MB`);
      // The panel: first paint part vs the whole snapshot, "Last 90 days" (median of 5).
      const firsts: number[] = [];
      const fulls: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        let first = NaN;
        await fetchSnapshot(client, { range: '90d' }, undefined, Date.now(), () => {
          first = performance.now() - t;
        });
        firsts.push(first);
        fulls.push(performance.now() - t);
      }
      out.panel90d = { firstPaintDataMs: percentile(firsts, 50), fullSnapshotMs: percentile(fulls, 50) };
      log(
        `panel 90d: first paint data ${percentile(firsts, 50).toFixed(0)} ms, full ${percentile(fulls, 50).toFixed(0)} ms`,
      );
      const exp = await sampled(pid, () =>
        client.connection.sendRequest(ExperimentsResultsRequest.type, { since: Date.now() - 366 * DAY }),
      );
      out.experiments = { ms: exp.ms, rssMaxMb: (exp.maxRss - idle) / MB };
      log(`experiments over the year: ${exp.ms.toFixed(0)} ms, RSS +${((exp.maxRss - idle) / MB).toFixed(1)} MB`);
      const csv = path.join(home, 'export.csv');
      const runs: { rowsPerSec: number; rssMaxMb: number }[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await sampled(pid, () =>
          runCli(path.join(dist, 'cli.js'), env, ['usage', 'export', '--csv', csv, '--since', '366d']),
        );
        const rows = Number(/Wrote (\d+) row/.exec(r.value.stderr)?.[1] ?? NaN);
        runs.push({ rowsPerSec: Math.round(rows / (r.value.ms / 1000)), rssMaxMb: (r.maxRss - idle) / MB });
        log(`export: ${rows} rows in ${r.value.ms.toFixed(0)} ms, ${runs[i]!.rowsPerSec} rows/s`);
      }
      out.export = runs;
      fs.rmSync(csv, { force: true });
    } finally {
      await client.stop().catch(() => undefined);
      client.close();
    }
    if (!args.includes('--skip-write')) {
      const write: Record<string, number> = {};
      // Alternated, so each shares the machine's noise.
      for (let round = 0; round < 2; round++)
        for (const v of [5, 7, SCHEMA_VERSION])
          write[`schema${v}`] = ((write[`schema${v}`] ?? 0) + (await insertP50(home, v))) / (round + 1);
      out.insertP50Us = write;
      log(
        `lone INSERT p50: ${Object.entries(write)
          .map(([k, v]) => `${k} ${v.toFixed(1)} us`)
          .join(', ')}`,
      );
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main().catch((err) => {
  log(String(err instanceof Error ? err.stack : err));
  process.exit(1);
});
