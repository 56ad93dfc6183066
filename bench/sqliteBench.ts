/**
 * The SQLite backend alone: the ledger's insert as the reply waits for it, the same plus the
 * fsync that follows it, and a read query of a month's rows (what `conduit usage` and the panel
 * run). Written to compare SQLite bindings before and after a change of backend; prints µs.
 */
import * as fs from 'node:fs';
import { selectPage } from '../daemon/usage/ledgerQueries';
import { SqliteDb } from '../daemon/usage/sqlite';
import { UsageLedger } from '../daemon/usage/usageLedger';
import { benchRecord as record } from './benchRecord';
import { benchHome } from './processes';
import { summarize, type Summary } from './stats';

async function time(n: number, op: (i: number) => Promise<unknown>): Promise<Summary> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    xs.push(performance.now() - t);
  }
  return summarize(xs);
}

const fmt = (s: Summary): string => `${(s.p50 * 1000).toFixed(1)} µs | ${(s.p99 * 1000).toFixed(1)} µs | ${s.n}`;

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const n = quick ? 300 : 1000;
  const home = benchHome();
  try {
    const ledger = UsageLedger.inHome(home);
    await ledger.open();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 50; i++) await ledger.record(record(i, t0 + i));
    const written = await time(n, (i) => ledger.record(record(1000 + i, t0 + 1000 + i)));
    const synced = await time(n, async (i) => {
      await ledger.record(record(100_000 + i, t0 + 100_000 + i));
      await ledger.durable();
    });
    await ledger.close();
    const db = await SqliteDb.open(`${home}/usage.db`, { readOnly: true });
    const query = await time(quick ? 20 : 50, () =>
      selectPage(db, { since: t0, until: t0 + 86_400_000, limit: 1000, after: 0, includeSamples: false }),
    );
    const rows = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests'))!.n;
    await db.close();
    console.log(`\nSQLite backend (Node ${process.version}, ${process.platform}-${process.arch})`);
    console.log('| step | p50 | p99 | n |\n| --- | --- | --- | --- |');
    console.log(`| ledger row written (the reply waits for this) | ${fmt(written)} |`);
    console.log(`| ledger row written + fsynced | ${fmt(synced)} |`);
    console.log(`| query: every row of the day (${rows} rows) | ${fmt(query)} |`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

void main();
