import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UsageGroup, UsageGroupBy, UsageQueryResult, UsageRow } from '../../../../protocol/usage';
import { breakdownFromRollups } from '../../../../daemon/usage/usageBreakdown';
import { backfillBatch } from '../../../../daemon/usage/rollupBackfill';
import { readRollupState } from '../../../../daemon/usage/rollupState';
import { rollBatch } from '../../../../daemon/usage/rollupRoll';
import { groupRows, summarizeRows } from '../../../../daemon/usage/usageGroups';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { UsageMaintenance } from '../../../../daemon/usage/usageMaintenance';
import { queryUsage } from '../../../../daemon/usage/usageQuery';
import { generateLedger, syntheticRecord } from '../../../fixtures/usage/generateLedger';
import { seededRandom } from '../../../fixtures/seededRandom';
import { DAY, HOUR, ledgerDir, rawRows } from './rollupTestLedger';

const END = Date.UTC(2026, 5, 1, 13, 17, 41);
const dir = ledgerDir('conduit-rollups-');

/** Sums must match exactly; percentiles within the sketch's 1%. */
function expectSameGroup(actual: UsageGroup, exact: UsageGroup): void {
  const { latencyMs, ttftMs, costUsd, cacheSavedUsd, ...sums } = actual;
  const { latencyMs: eLatency, ttftMs: eTtft, costUsd: eCost, cacheSavedUsd: eSaved, ...eSums } = exact;
  expect(sums).toEqual(eSums);
  expect(costUsd).toBeCloseTo(eCost, 5);
  expect(cacheSavedUsd).toBeCloseTo(eSaved, 5);
  for (const [a, e] of [
    [latencyMs, eLatency],
    [ttftMs, eTtft],
  ] as const) {
    expect(a.count).toBe(e.count);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      if (e[p] === null) expect(a[p]).toBeNull();
      else expect(Math.abs(a[p]! - e[p])).toBeLessThanOrEqual(0.01 * e[p] + 1e-9);
    }
  }
}

function expectMatchesRows(
  result: UsageQueryResult,
  rows: readonly UsageRow[],
  by: UsageGroupBy,
  offset: number,
): void {
  const exact = groupRows(rows, by, offset);
  expect(result.groups.map((g) => g.key).sort()).toEqual(exact.map((g) => g.key).sort());
  for (const g of exact)
    expectSameGroup(
      result.groups.find((r) => r.key === g.key)!,
      g,
    );
  expectSameGroup(result.total, summarizeRows('total', rows));
}

describe('usage from the rollups', () => {
  it('equals the exact figures of the raw rows for any range, grouping, offset and filter', async () => {
    const file = path.join(dir, 'current.db');
    await generateLedger(file, { rows: 6000, days: 40, end: END, seed: 3 });
    const ledger = new UsageLedger({ file });
    await ledger.open();
    const db = ledger.reader();
    const rand = seededRandom(11);
    const cases: [UsageGroupBy, number][] = [
      ['day', 0],
      ['day', 60],
      ['day', 330],
      ['day', -345],
      ['month', 0],
      ['month', 120],
      ['feature', 0],
      ['model', 0],
      ['provider', 0],
      // The panel's day by the hour; at a half-hour offset a local hour straddles two UTC hours.
      ['hour', 0],
      ['hour', 60],
      ['hour', 330],
      ['hour', -345],
    ];
    for (const [by, offset] of cases) {
      const since = END - Math.floor(rand() * 40 * DAY);
      const until = since + Math.floor(rand() * (END - since)) + 1;
      const result = await queryUsage(ledger, { since, until, groupBy: by, utcOffsetMinutes: offset }, END);
      expectMatchesRows(result, await rawRows(db, since, until), by, offset);
      expect(result.sources).toEqual({ rawSince: null, roundedToHour: false, migrating: false });
    }
    const filtered = await queryUsage(
      ledger,
      {
        since: END - 30 * DAY,
        until: END,
        groupBy: 'day',
        utcOffsetMinutes: 0,
        filters: { feature: 'ask', client: 'cli' },
      },
      END,
    );
    const rows = (await rawRows(db, END - 30 * DAY, END)).filter((r) => r.feature === 'ask' && r.client === 'cli');
    expectMatchesRows(filtered, rows, 'day', 0);
    // The breakdown by the hour: each cell's hour within its day, the same sums as the query by hour.
    const day = { since: END - 20 * HOUR - 1234, until: END };
    const cells = await breakdownFromRollups(db, day, 330, 'hour');
    const byHour = groupRows(await rawRows(db, day.since, day.until), 'hour', 330);
    expect([...new Set(cells.map((c) => c.hour))]).toEqual(byHour.map((g) => g.key));
    for (const c of cells) expect(c.hour?.slice(0, 10)).toBe(c.day);
    for (const g of byHour) {
      const mine = cells.filter((c) => c.hour === g.key);
      expect(mine.reduce((n, c) => n + c.requests, 0)).toBe(g.requests);
      expect(mine.reduce((n, c) => n + c.costUsd, 0)).toBeCloseTo(g.costUsd, 5);
    }
    await ledger.close();
  });

  it('after retention deletes old raw rows, hour-aligned ranges keep their exact figures and rounded edges are reported', async () => {
    const file = path.join(dir, 'retention.db');
    await generateLedger(file, { rows: 4000, days: 30, end: END, seed: 5 });
    const ledger = new UsageLedger({ file });
    await ledger.open();
    const since = END - 25 * DAY - (END % HOUR);
    const before = await queryUsage(ledger, { since, until: END, groupBy: 'day', utcOffsetMinutes: 0 }, END);
    const maintenance = new UsageMaintenance({ ledger, retentionDays: 10, now: () => END });
    await maintenance.round();
    const db = ledger.reader();
    expect(
      (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests WHERE started_at < ?', [END - 10 * DAY - HOUR]))!
        .n,
    ).toBe(0);
    const after = await queryUsage(ledger, { since, until: END, groupBy: 'day', utcOffsetMinutes: 0 }, END);
    expect(after.groups).toEqual(before.groups);
    expect(after.sources).toMatchObject({ roundedToHour: false, migrating: false });
    expect(after.sources!.rawSince).toBe(END - 10 * DAY - (END % HOUR));
    const midHour = await queryUsage(
      ledger,
      { since: since + 20 * 60_000, until: END, groupBy: 'day', utcOffsetMinutes: 0 },
      END,
    );
    expect(midHour.sources!.roundedToHour).toBe(true);
    // The edge's whole hour answers: at least what the exact range holds.
    expect(midHour.total.requests).toBe(before.total.requests);
    await ledger.close();
  });

  it('an older ledger is answered from raw rows while its rollups are built, then from rollups with the same totals', async () => {
    const file = path.join(dir, 'old.db');
    await generateLedger(file, { rows: 5000, days: 20, end: END, seed: 9, schema: 'before-rollups' });
    const ledger = new UsageLedger({ file, now: () => END });
    await ledger.open();
    const db = ledger.reader();
    expect(await readRollupState(db)).toMatchObject({ backfillEnd: 5000, backfillCursor: 0, ready: false });
    const q = { since: END - 21 * DAY, until: END + 1, groupBy: 'day' as const, utcOffsetMinutes: 0 };
    const during = await queryUsage(ledger, q, END);
    expect(during.sources!.migrating).toBe(true);
    // Rows recorded during the backfill are the roller's tail, read raw until folded: counted once.
    const rand = seededRandom(2);
    for (let i = 0; ; i++) {
      await ledger.record(syntheticRecord(rand, END - i * 60_000, 100_000 + i));
      const progress = await backfillBatch(db, 700);
      if (progress.finished) break;
    }
    const after = await queryUsage(ledger, q, END);
    expect(after.sources!.migrating).toBe(false);
    expectMatchesRows(after, await rawRows(db, q.since, q.until), 'day', 0);
    while ((await rollBatch(db, 50)) > 0);
    expectMatchesRows(await queryUsage(ledger, q, END), await rawRows(db, q.since, q.until), 'day', 0);
    const rollupTotal = (await db.get<{ n: number }>('SELECT SUM(requests) AS n FROM usage_daily'))!.n;
    expect(rollupTotal).toBe((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests'))!.n);
    await ledger.close();
  });

  it('rows not yet folded into the rollups are counted once, before, during and after the fold', async () => {
    const file = path.join(dir, 'tail.db');
    await generateLedger(file, { rows: 3000, days: 10, end: END, seed: 8 });
    const ledger = new UsageLedger({ file });
    await ledger.open();
    const db = ledger.reader();
    const rand = seededRandom(21);
    // The tail: rows recorded since the last fold, spread over the whole range so that both
    // the daily and the hourly parts of each question have some.
    for (let i = 0; i < 400; i++) await ledger.record(syntheticRecord(rand, END - 1 - i * 37 * 60_000, 200_000 + i));
    const { rolledTo } = await readRollupState(db);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests WHERE id > ?', [rolledTo]))!.n).toBe(400);
    const cases: [UsageGroupBy, number, number][] = [
      ['day', 0, END - 9 * DAY - 17 * 60_000],
      ['month', 90, END - 10 * DAY],
      ['model', 0, END - 3 * DAY - 5 * HOUR],
    ];
    const check = async () => {
      for (const [by, offset, since] of cases) {
        const result = await queryUsage(ledger, { since, until: END, groupBy: by, utcOffsetMinutes: offset }, END);
        expectMatchesRows(result, await rawRows(db, since, END), by, offset);
      }
    };
    await check();
    // A fold and queries at the same time: the gate keeps each query on one side of it.
    const folds = (async () => {
      while ((await rollBatch(db, 90)) > 0);
    })();
    await Promise.all([check(), folds]);
    expect((await readRollupState(db)).rolledTo).toBeGreaterThan(rolledTo);
    await check();
    const rollupTotal = (await db.get<{ n: number }>('SELECT SUM(requests) AS n FROM usage_hourly'))!.n;
    expect(rollupTotal).toBe((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests'))!.n);
    await ledger.close();
  });

  it('compaction rewrites appended bins as counts without changing any answer', async () => {
    const file = path.join(dir, 'compact.db');
    await generateLedger(file, { rows: 3000, days: 3, end: END, seed: 4 });
    const ledger = new UsageLedger({ file });
    await ledger.open();
    const q = { since: END - 3 * DAY, until: END, groupBy: 'feature' as const, utcOffsetMinutes: 0 };
    const before = await queryUsage(ledger, q, END);
    await new UsageMaintenance({ ledger, retentionDays: 365, now: () => END + DAY }).round();
    const db = ledger.reader();
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM usage_hourly WHERE pending > 0'))!.n).toBe(0);
    expect(await queryUsage(ledger, q, END)).toEqual(before);
    await ledger.close();
  });
});
