import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UsageBreakdownCell, UsageFilters, UsageRow } from '../../../../protocol/usage';
import { aggregateUsage, SUM_AT, type Aggregate, type GroupDim } from '../../../../daemon/usage/rollupAggregate';
import { ROLLUP_SUMS } from '../../../../daemon/usage/rollupSchema';
import { compactBatch } from '../../../../daemon/usage/rollupCompactor';
import { rollBatch } from '../../../../daemon/usage/rollupRoll';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { countErrors, groupKey, summarizeRows } from '../../../../daemon/usage/usageGroups';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { breakdownFromRollups } from '../../../../daemon/usage/usageBreakdown';
import { breakdownCells } from '../../../../daemon/server/handlers/usageHandlers';
import { generateLedger, syntheticRecord } from '../../../fixtures/usage/generateLedger';
import { seededRandom } from '../../../fixtures/seededRandom';
import { DAY, HOUR, ledgerDir, rawRows } from './rollupTestLedger';

const END = Date.UTC(2026, 2, 9, 17, 41, 13);
const dir = ledgerDir('conduit-aggregate-');

function matches(r: UsageRow, f: UsageFilters): boolean {
  return (
    (f.feature === undefined || r.feature === f.feature) &&
    (f.provider === undefined || r.provider === f.provider) &&
    (f.model === undefined || r.model === f.model) &&
    (f.client === undefined || r.client === f.client)
  );
}

/** A cell's counts (its dimensions and every field but the two sums of USD). */
function countsOf(c: UsageBreakdownCell): Omit<UsageBreakdownCell, 'costUsd' | 'cacheSavedUsd'> {
  const { costUsd: _cost, cacheSavedUsd: _saved, ...counts } = c;
  return counts;
}

/** The exact answer from the raw rows: sums, errors by code and status, and percentiles of each group. */
function expectExact(groups: Map<string, Aggregate>, rows: UsageRow[], by: GroupDim[], offset: number): void {
  const exact = new Map<string, UsageRow[]>();
  for (const r of rows) {
    const id = JSON.stringify(by.map((d) => groupKey(r, d, offset)));
    const list = exact.get(id);
    if (list) list.push(r);
    else exact.set(id, [r]);
  }
  expect([...groups.keys()].sort()).toEqual([...exact.keys()].sort());
  for (const [id, mine] of exact) {
    const g = groups.get(id)!;
    const e = summarizeRows('', mine);
    expect([g.requests, g.errors, g.inputTokens, g.outputTokens, g.unpriced, g.estimated, g.cacheHits]).toEqual([
      e.requests,
      e.errors,
      e.inputTokens,
      e.outputTokens,
      e.unpricedRequests,
      e.estimatedCostRequests,
      e.cacheHits,
    ]);
    expect(g.costUsd).toBeCloseTo(e.costUsd, 9);
    expect(g.cacheSavedUsd).toBeCloseTo(e.cacheSavedUsd, 9);
    const errors = countErrors(mine);
    expect(Object.fromEntries(g.errorsByCode)).toEqual(errors.byCode);
    expect(Object.fromEntries(g.errorsByStatus)).toEqual(errors.byStatus);
    for (const [sketch, p] of [
      [g.latency, e.latencyMs],
      [g.ttft, e.ttftMs],
    ] as const) {
      expect(sketch.count).toBe(p.count);
      for (const q of [50, 95, 99] as const) {
        const want = p[`p${q}`];
        if (want === null) expect(sketch.quantile(q)).toBeNull();
        else expect(Math.abs(sketch.quantile(q)! - want)).toBeLessThanOrEqual(0.01 * want + 1e-9);
      }
    }
  }
}

const DIMS: GroupDim[][] = [
  [],
  ['day'],
  ['hour'],
  ['month'],
  ['feature'],
  ['model'],
  ['provider'],
  ['day', 'provider', 'model', 'feature'],
  ['hour', 'provider', 'model', 'feature'],
  ['month', 'feature'],
];
const FILTERS: UsageFilters[] = [
  {},
  { feature: 'chat' },
  { client: 'cli', provider: 'anthropic' },
  { model: 'gpt-5.4-mini' },
];

describe('the packed sums layout', () => {
  it('reads each sum at the offset packedQuery writes it: the rollup columns in order, then the errors', () => {
    const camel = (c: string): string => c.replace(/_(\w)/g, (_, x: string) => x.toUpperCase());
    const byOffset = Object.entries(SUM_AT)
      .sort((a, b) => a[1] - b[1])
      .map(([field]) => field);
    expect(byOffset).toEqual([...ROLLUP_SUMS.map(camel), 'errors']);
    expect(Object.values(SUM_AT).sort((a, b) => a - b)).toEqual(byOffset.map((_, i) => i));
  });
});

describe('aggregateUsage, one packed statement', () => {
  it('equals the raw rows exactly for random ranges, groupings, filters and offsets, with a tail', async () => {
    const file = path.join(dir, 'random.db');
    await generateLedger(file, { rows: 5000, days: 45, end: END, seed: 12 });
    const ledger = new UsageLedger({ file });
    await ledger.open();
    const db = ledger.reader();
    const rand = seededRandom(99);
    // Rows not yet folded, spread over the range: every question also reads a tail.
    for (let i = 0; i < 150; i++)
      await ledger.record(syntheticRecord(rand, END - 1 - Math.floor(rand() * 45 * DAY), 9e5 + i));
    await ledger.settled();
    for (let c = 0; c < 40; c++) {
      const since = END - Math.floor(rand() * 46 * DAY);
      const until = since + 1 + Math.floor(rand() * (END + HOUR - since));
      const by = DIMS[Math.floor(rand() * DIMS.length)]!;
      const filters = FILTERS[Math.floor(rand() * FILTERS.length)]!;
      const offset = [0, 60, -300, 330, 345, -570][Math.floor(rand() * 6)]!;
      const { groups } = await aggregateUsage(db, {
        since,
        until,
        groupBy: by,
        filters,
        utcOffsetMinutes: offset,
        sketches: true,
      });
      const rows = (await rawRows(db, since, until)).filter((r) => matches(r, filters));
      expectExact(groups, rows, by, offset);
      if (c % 10 === 9) while ((await rollBatch(db, 40)) > 0);
    }
    await ledger.close();
  });

  it("the breakdown cells are the raw rows' cells, field for field, by day and by hour", async () => {
    const file = path.join(dir, 'breakdown.db');
    await generateLedger(file, { rows: 3000, days: 30, end: END, seed: 13 });
    const db = await SqliteDb.open(file);
    // Sub-hour edges (raw rows), whole hours and whole days, at an offset of 5:30.
    const since = END - 27 * DAY - 7 * 60_000;
    const rows = await rawRows(db, since, END);
    const cells = await breakdownFromRollups(db, { since, until: END }, 330);
    const exact = breakdownCells(rows, 330);
    expect(cells.map((c) => c.day)).toEqual([...cells.map((c) => c.day)].sort());
    const byKey = (c: UsageBreakdownCell) => JSON.stringify([c.hour ?? c.day, c.provider, c.model, c.feature]);
    const want = new Map(exact.map((c) => [byKey(c), c]));
    expect(cells).toHaveLength(exact.length);
    for (const c of cells) {
      const e = want.get(byKey(c))!;
      expect(countsOf(c)).toEqual(countsOf(e));
      expect(c.costUsd).toBeCloseTo(e.costUsd, 6);
      expect(c.cacheSavedUsd).toBeCloseTo(e.cacheSavedUsd, 6);
    }
    // By the hour, over the last two days: each cell's hour and its day.
    const hours = await breakdownFromRollups(db, { since: END - 2 * DAY, until: END }, 330, 'hour');
    const hourRows = await rawRows(db, END - 2 * DAY, END);
    expect(hours.reduce((n, c) => n + c.requests, 0)).toBe(hourRows.length);
    for (const c of hours) expect(c.hour!.slice(0, 10)).toBe(c.day);
    await db.close();
  });

  it("SQLite's text of a REAL reads back as the same double (the packed answer's sums rely on it)", async () => {
    const db = await SqliteDb.open(':memory:');
    const rand = seededRandom(5);
    const values = Array.from({ length: 5000 }, (_, i) => (rand() - 0.5) * 10 ** ((i % 40) - 20));
    values.push(0.1 + 0.2, 5e-324, 1.7976931348623157e308, 1e21, 123456.789e-9);
    const rows = await db.all<{ t: string }>("SELECT CAST(value AS REAL) || '' AS t FROM json_each(?)", [
      JSON.stringify(values),
    ]);
    expect(rows.map((r) => JSON.parse(r.t) as number)).toEqual(values);
    await db.close();
  });

  it("the roller's appends are counted for the compactor, which rewrites them without changing an answer", async () => {
    const file = path.join(dir, 'appends.db');
    await generateLedger(file, { rows: 500, days: 2, end: END, seed: 14 });
    const ledger = new UsageLedger({ file });
    await ledger.open();
    const db = ledger.reader();
    const rand = seededRandom(3);
    for (let i = 0; i < 30; i++) {
      await ledger.record(syntheticRecord(rand, END - DAY - 1000 * i, 8e5 + i));
      await ledger.durable();
      await rollBatch(db);
    }
    const pending = async () =>
      (await db.get<{ n: number }>('SELECT SUM(pending) AS n FROM usage_daily_sketch WHERE bucket = ?', [
        END - DAY - ((END - DAY) % DAY),
      ]))!.n;
    // One piece a fold (a failed request adds no bins to the dimension-free sketch).
    expect(await pending()).toBeGreaterThanOrEqual(20);
    const q = { since: END - 2 * DAY, until: END, groupBy: ['day'] as GroupDim[], utcOffsetMinutes: 0, sketches: true };
    const before = await aggregateUsage(db, q);
    while ((await compactBatch(db, 'day', END)) > 0);
    expect(await pending()).toBe(0);
    const after = await aggregateUsage(db, q);
    for (const [id, g] of before.groups) {
      expect(after.groups.get(id)!.latency.toText()).toBe(g.latency.toText());
      expect(after.groups.get(id)!.requests).toBe(g.requests);
    }
    await ledger.close();
  });
});
