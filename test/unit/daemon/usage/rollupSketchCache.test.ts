import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateMemo } from '../../../../daemon/usage/aggregateMemo';
import { aggregateUsage, type AggregateQuery, type AggregateResult } from '../../../../daemon/usage/rollupAggregate';
import { compactBatch } from '../../../../daemon/usage/rollupCompactor';
import { rollBatch } from '../../../../daemon/usage/rollupRoll';
import { SketchCache, sketchCache } from '../../../../daemon/usage/rollupSketchCache';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { summarizeRows } from '../../../../daemon/usage/usageGroups';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { UsageMaintenance } from '../../../../daemon/usage/usageMaintenance';
import { generateLedger, syntheticRecord } from '../../../fixtures/usage/generateLedger';
import { seededRandom } from '../../../fixtures/seededRandom';
import { DAY, HOUR, ledgerDir, openGeneratedLedger, rawRows } from './rollupTestLedger';

const END = Date.UTC(2026, 6, 14, 9, 23, 7);
const dir = ledgerDir('conduit-sketch-cache-');

/** Months at +5:30: each month's first and last UTC days are read as hours, so both grains are cached. */
const YEAR: AggregateQuery = {
  since: END - 60 * DAY,
  until: END,
  groupBy: ['month'],
  utcOffsetMinutes: 330,
  sketches: true,
};

/** Each group's bins as text: equal texts are equal sketches. */
function bins(r: AggregateResult): Record<string, string> {
  return Object.fromEntries([...r.groups].map(([k, g]) => [k, g.latency.toText() + '|' + g.ttft.toText()]));
}

/** The same question on a connection of its own (an empty cache), and the raw rows' counts. */
async function expectExact(file: string, db: SqliteDb, q: AggregateQuery = YEAR): Promise<AggregateResult> {
  // A question asked again with nothing written is answered from memory (aggregateMemo.ts): these
  // tests are about what it parses when it does reach SQLite.
  aggregateMemo(db).clear();
  const warm = await aggregateUsage(db, q);
  const other = await SqliteDb.open(file);
  try {
    expect(bins(warm)).toEqual(bins(await aggregateUsage(other, q)));
    const exact = summarizeRows('', await rawRows(other, q.since, q.until));
    const total = [...warm.groups.values()].reduce((n, g) => n + g.latency.count, 0);
    expect(total).toBe(exact.latencyMs.count);
  } finally {
    await other.close();
  }
  return warm;
}

function openLedger(name: string, seed: number): Promise<{ file: string; ledger: UsageLedger; db: SqliteDb }> {
  return openGeneratedLedger(dir, name, seed, END);
}

/** A row 20 days back, folded by the roller into a day the cache already holds. */
async function lateRow(ledger: UsageLedger, db: SqliteDb, id: number): Promise<void> {
  await ledger.record({ ...syntheticRecord(seededRandom(id), END - 20 * DAY - 7 * HOUR, id), errorCode: null });
  await ledger.durable();
  while ((await rollBatch(db)) > 0);
}

describe('the cache of parsed dimension-free sketches', () => {
  it('parses each bucket once: a second question merges them all from the cache, with the same answer', async () => {
    const { file, ledger, db } = await openLedger('once.db', 1);
    const cache = sketchCache(db);
    await expectExact(file, db);
    const parsed = cache.misses;
    expect(parsed).toBeGreaterThan(60);
    const hits = cache.hits;
    await expectExact(file, db);
    expect(cache.misses).toBe(parsed);
    expect(cache.hits - hits).toBe(parsed);
    await ledger.close();
  });

  it('a late row folded into a cached day is read again, and a cache that missed it would be wrong', async () => {
    const { file, ledger, db } = await openLedger('late.db', 2);
    const before = await expectExact(file, db);
    const misses = sketchCache(db).misses;
    await lateRow(ledger, db, 700_001);
    const after = await expectExact(file, db);
    // One day's sketch changed, and only it was parsed again.
    expect(sketchCache(db).misses - misses).toBe(1);
    const count = (r: AggregateResult) => [...r.groups.values()].reduce((n, g) => n + g.latency.count, 0);
    expect(count(after)).toBe(count(before) + 1);

    // Without the version triggers the cache keeps the old day: the check above catches it.
    await db.exec('DROP TRIGGER usage_daily_sketch_version_update; DROP TRIGGER usage_hourly_sketch_version_update;');
    await lateRow(ledger, db, 700_002);
    await expect(expectExact(file, db)).rejects.toThrow();
    await ledger.close();
  });

  it('compaction rewrites a cached day: it is parsed again, to the same bins', async () => {
    const { file, ledger, db } = await openLedger('compact.db', 3);
    for (let i = 0; i < 5; i++) await lateRow(ledger, db, 710_000 + i);
    const pending = 'SELECT COUNT(*) AS n FROM usage_daily_sketch WHERE pending > 0';
    expect((await db.get<{ n: number }>(pending))!.n).toBeGreaterThan(0);
    await expectExact(file, db);
    const misses = sketchCache(db).misses;
    while ((await compactBatch(db, 'day', END + DAY)) > 0);
    expect((await db.get<{ n: number }>(pending))!.n).toBe(0);
    await expectExact(file, db);
    expect(sketchCache(db).misses).toBeGreaterThan(misses);
    await ledger.close();
  });

  it('retention deletes raw rows only: the cached days stay valid and the answer stays exact', async () => {
    const { file, ledger, db } = await openLedger('retention.db', 4);
    // At offset 0 every month starts on a whole hour, so no edge is rounded once its raw rows are gone.
    const q = { ...YEAR, since: END - 50 * DAY - (END % HOUR), utcOffsetMinutes: 0 };
    const before = await expectExact(file, db, q);
    await new UsageMaintenance({ ledger, retentionDays: 10, now: () => END }).round();
    // Counted after the round, which also reads ahead the days the question did not cover.
    const misses = sketchCache(db).misses;
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests WHERE started_at < ?', [q.since]))!.n).toBe(
      0,
    );
    const after = await aggregateUsage(db, q);
    expect(after.roundedToHour).toBe(false);
    expect(bins(after)).toEqual(bins(before));
    expect(sketchCache(db).misses).toBe(misses);
    await ledger.close();
  });

  it('any other write to a sketch row (a rewrite, a delete and insert) gives it a new version', async () => {
    const { file, ledger, db } = await openLedger('rewrite.db', 5);
    await expectExact(file, db);
    const day = END - 30 * DAY - ((END - 30 * DAY) % DAY);
    const misses = sketchCache(db).misses;
    await db.run("UPDATE usage_daily_sketch SET lat = lat || '5 ' WHERE bucket = ?", [day]);
    const after = await aggregateUsage(db, YEAR);
    expect(sketchCache(db).misses).toBe(misses + 1);
    // Delete and insert again: the version is taken from a counter, so it is never the cached one.
    const row = (await db.get<{ lat: string; ttft: string; version: number }>(
      'SELECT lat, ttft, version FROM usage_daily_sketch WHERE bucket = ?',
      [day],
    ))!;
    await db.run('DELETE FROM usage_daily_sketch WHERE bucket = ?', [day]);
    await db.run('INSERT INTO usage_daily_sketch (bucket, lat, ttft, pending) VALUES (?, ?, ?, 0)', [
      day,
      row.lat + '6 ',
      row.ttft,
    ]);
    const again = await aggregateUsage(db, YEAR);
    expect(sketchCache(db).misses).toBe(misses + 2);
    const count = (r: AggregateResult) => [...r.groups.values()].reduce((n, g) => n + g.latency.count, 0);
    expect(count(again)).toBe(count(after) + 1);
    await ledger.close();
  });

  it('a ledger upgraded from schema 8 starts at version 0 and its changed days are read again', async () => {
    const file = path.join(dir, 'schema8.db');
    await generateLedger(file, { rows: 3000, days: 60, end: END, seed: 6, schemaVersion: 8 });
    const ledger = new UsageLedger({ file });
    await ledger.open();
    const db = ledger.reader();
    expect((await db.get<{ n: number }>('SELECT MAX(version) AS n FROM usage_daily_sketch'))!.n).toBe(0);
    await expectExact(file, db);
    const misses = sketchCache(db).misses;
    await lateRow(ledger, db, 720_001);
    await expectExact(file, db);
    expect(sketchCache(db).misses).toBe(misses + 1);
    await ledger.close();
  });

  it('an entry gone between the statement and the merge (another question evicted it) is read again', async () => {
    const { file, ledger, db } = await openLedger('evicted.db', 7);
    const warm = await expectExact(file, db);
    const cache = sketchCache(db);
    // The statement is told of versions the cache no longer holds by the time its answer arrives.
    const versions = cache.versions.bind(cache);
    cache.versions = (grain, range) => {
      const held = versions(grain, range);
      cache.clear();
      return held;
    };
    const misses = cache.misses;
    aggregateMemo(db).clear();
    const again = await aggregateUsage(db, YEAR);
    expect(bins(again)).toEqual(bins(warm));
    expect(cache.misses - misses).toBeGreaterThan(60);
    await ledger.close();
  });

  it('holds at most its bytes, dropping the least recently used', () => {
    const cache = new SketchCache(2400);
    const text = Array.from({ length: 50 }, (_, i) => `${i} `).join('');
    for (let b = 0; b < 10; b++) cache.parse('day', b * DAY, 1, text, text);
    // 200 + 8 × 100 bytes an entry (32-bit bins and counts): two fit.
    expect(cache.size).toBe(2);
    expect(cache.heldBytes).toBeLessThanOrEqual(2400);
    expect(cache.get('day', 9 * DAY, 1)).toBeDefined();
    expect(cache.get('day', 0, 1)).toBeUndefined();
    expect(cache.get('day', 9 * DAY, 2)).toBeUndefined();
  });
});
