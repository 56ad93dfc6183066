import { describe, expect, it } from 'vitest';
import { aggregateUsage, type AggregateQuery, type AggregateResult } from '../../../../daemon/usage/rollupAggregate';
import { rollBatch } from '../../../../daemon/usage/rollupRoll';
import type { RollupGrain } from '../../../../daemon/usage/rollupSchema';
import { sketchCache, type SketchCache } from '../../../../daemon/usage/rollupSketchCache';
import { warmSketchCache } from '../../../../daemon/usage/rollupSketchWarm';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { summarizeRows } from '../../../../daemon/usage/usageGroups';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { UsageMaintenance } from '../../../../daemon/usage/usageMaintenance';
import { syntheticRecord } from '../../../fixtures/usage/generateLedger';
import { seededRandom } from '../../../fixtures/seededRandom';
import { DAY, HOUR, ledgerDir, openGeneratedLedger, rawRows } from './rollupTestLedger';

const END = Date.UTC(2026, 6, 14, 9, 23, 7);
const dir = ledgerDir('conduit-sketch-warm-');

/** 60 days by month at +5:30 (months start off the UTC day, so hours are read too) and at 0. */
const QUESTIONS: AggregateQuery[] = [
  { since: END - 60 * DAY, until: END, groupBy: ['month'], utcOffsetMinutes: 330, sketches: true },
  { since: END - 45 * DAY - 7 * HOUR, until: END, groupBy: ['day'], utcOffsetMinutes: 0, sketches: true },
];

function bins(r: AggregateResult): Record<string, string> {
  return Object.fromEntries([...r.groups].map(([k, g]) => [k, g.latency.toText() + '|' + g.ttft.toText()]));
}

/** The grains of what `cache` parses while `work` runs. */
async function parsedDuring(cache: SketchCache, work: () => Promise<unknown>): Promise<RollupGrain[]> {
  const grains: RollupGrain[] = [];
  const parse = cache.parse.bind(cache);
  cache.parse = (grain, ...rest) => {
    grains.push(grain);
    return parse(grain, ...rest);
  };
  try {
    await work();
  } finally {
    cache.parse = parse;
  }
  return grains;
}

/** The answer on `db` equals a fresh connection's (nothing read ahead) and the raw rows' count. */
async function expectExact(file: string, db: SqliteDb, q: AggregateQuery): Promise<void> {
  const warm = await aggregateUsage(db, q);
  const other = await SqliteDb.open(file);
  try {
    expect(bins(warm)).toEqual(bins(await aggregateUsage(other, q)));
    const exact = summarizeRows('', await rawRows(other, q.since, q.until));
    expect([...warm.groups.values()].reduce((n, g) => n + g.latency.count, 0)).toBe(exact.latencyMs.count);
  } finally {
    await other.close();
  }
}

function openLedger(name: string, seed: number): Promise<{ file: string; ledger: UsageLedger; db: SqliteDb }> {
  return openGeneratedLedger(dir, name, seed, END);
}

describe('reading the last year of daily sketches ahead', () => {
  it('holds every day with requests: the first questions parse no day, and answer as with nothing read ahead', async () => {
    const { file, ledger, db } = await openLedger('ahead.db', 11);
    const cache = sketchCache(db);
    const days = await warmSketchCache(db, END);
    // 60 days of rows end at END: 61 UTC days hold some.
    expect(days).toBe(61);
    expect(cache.size).toBe(61);
    for (const q of QUESTIONS) {
      const parsed = await parsedDuring(cache, () => expectExact(file, db, q));
      expect(parsed.filter((g) => g === 'day')).toEqual([]);
    }
    // A second read ahead finds every day held and reads nothing.
    expect(await warmSketchCache(db, END)).toBe(0);
    await ledger.close();
  });

  it('a day written after it was read ahead is read again by the next question, which stays exact', async () => {
    const { file, ledger, db } = await openLedger('late.db', 12);
    await warmSketchCache(db, END);
    await ledger.record({ ...syntheticRecord(seededRandom(5), END - 20 * DAY - 7 * HOUR, 800_001), errorCode: null });
    await ledger.durable();
    while ((await rollBatch(db)) > 0);
    const parsed = await parsedDuring(sketchCache(db), () => expectExact(file, db, QUESTIONS[0]!));
    expect(parsed.filter((g) => g === 'day')).toEqual(['day']);
    await ledger.close();
  });

  it('the maintenance reads ahead once, after its first round, and says so in the log', async () => {
    const { file, ledger, db } = await openLedger('maintenance.db', 13);
    const lines: string[] = [];
    const maintenance = new UsageMaintenance({
      ledger,
      retentionDays: 400,
      now: () => END,
      log: (_level, msg) => lines.push(msg),
    });
    await maintenance.round();
    const ahead = (l: string) => l.startsWith('usage ledger: read the last year of latency sketches ahead');
    expect(lines.filter(ahead)).toHaveLength(1);
    expect(sketchCache(db).size).toBeGreaterThanOrEqual(61);
    const parsed = await parsedDuring(sketchCache(db), () => expectExact(file, db, QUESTIONS[1]!));
    expect(parsed.filter((g) => g === 'day')).toEqual([]);
    await maintenance.round();
    expect(lines.filter(ahead)).toHaveLength(1);
    await maintenance.stop();
    await ledger.close();
  });
});
