import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateMemo, MEMO_ENTRIES } from '../../../../daemon/usage/aggregateMemo';
import { buildAlertSnapshot } from '../../../../daemon/usage/alertSnapshot';
import { defaultAlertThresholds } from '../../../../daemon/usage/alertThresholds';
import { startOfDay } from '../../../../daemon/usage/calendarKey';
import type { RequestRecord } from '../../../../daemon/usage/requestRecord';
import { readRollupState } from '../../../../daemon/usage/rollupState';
import { SqliteThread } from '../../../../daemon/usage/sqliteThread';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { UsageMaintenance } from '../../../../daemon/usage/usageMaintenance';
import { queryUsage } from '../../../../daemon/usage/usageQuery';
import { makeRecord, tempDir } from './records';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const QUIET = 20_000;
/** 10:05 UTC: five quiet minutes stay inside one hour. */
const T0 = Date.UTC(2026, 11, 7, 10, 5);

// The daemon's idle minute (the maintenance round, the alert monitor's ledger reads, the status
// bar's spend today) on a real ledger and SQLite thread. The clock is injected: the thread is put
// to sleep with sleepQuiet() (what its timer calls) and its wakes are counted by its onWake.
describe("the idle minute's questions with nothing written", () => {
  let clock = T0;
  let wakes = 0;
  let dir = '';
  let ledger: UsageLedger;
  let maintenance: UsageMaintenance;

  beforeEach(async () => {
    clock = T0;
    wakes = 0;
    dir = tempDir('conduit-quiet-minute-');
    ledger = new UsageLedger({ file: path.join(dir, 'usage.db'), now: () => clock });
    await ledger.open();
    maintenance = new UsageMaintenance({ ledger, retentionDays: 30, now: () => clock });
    SqliteThread.setIdleSleep({ quietMs: QUIET, now: () => clock, onWake: () => wakes++ });
  });

  afterEach(async () => {
    await maintenance.stop();
    await ledger.close();
    SqliteThread.setIdleSleep({ quietMs: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function record(overrides: Partial<RequestRecord>): Promise<void> {
    await ledger.record(makeRecord({ costUsd: 0.25, ...overrides }));
    await ledger.durable();
  }

  /** What an idle daemon's minute asks of the ledger, at the clock's time. */
  async function minute() {
    await maintenance.round();
    const alerts = await buildAlertSnapshot({ ledger, utcOffsetMinutes: 0 }, defaultAlertThresholds, clock);
    const bar = await queryUsage(ledger, { since: startOfDay(clock, 0), groupBy: 'day', utcOffsetMinutes: 0 }, clock);
    return {
      cost: alerts.cost,
      cacheBaseline: alerts.cacheBaseline,
      today: { requests: bar.total.requests, costUsd: bar.total.costUsd, p50: bar.total.latencyMs.p50 },
    };
  }

  /** Two minutes to settle (the first round's own writes make the second one run), then asleep. */
  async function idle() {
    await minute();
    clock += MINUTE;
    const settled = await minute();
    clock += QUIET;
    await SqliteThread.sleepQuiet();
    expect(SqliteThread.awake()).toBe(0);
    wakes = 0;
    return settled;
  }

  it('answers from memory and skips the round: the sleeping thread is not woken', async () => {
    await record({ startedAt: T0 - 2 * 24 * HOUR, cache: 'exact', costSavedUsd: 0.1 });
    await record({ startedAt: T0 - 3 * HOUR, latencyMs: 900 });
    await record({ startedAt: T0 - 5 * MINUTE, latencyMs: 300 });
    const settled = await idle();
    expect(settled.today).toEqual({ requests: 2, costUsd: 0.5, p50: expect.any(Number) as number });
    expect(settled.cacheBaseline).toEqual({ requests: 2, hits: 1 });
    const hits = aggregateMemo(ledger.reader()).hits;
    const skipped = maintenance.skipped;

    for (let i = 0; i < 3; i++) {
      clock += MINUTE;
      expect(await minute()).toEqual(settled);
    }
    expect(wakes).toBe(0);
    expect(SqliteThread.awake()).toBe(0);
    expect(maintenance.skipped - skipped).toBe(3);
    // The alerts' daily costs and cache counts, the status bar's spend: three answers a minute.
    expect(aggregateMemo(ledger.reader()).hits - hits).toBe(9);
  });

  it('keeps at most MEMO_ENTRIES answers, the least recently asked going first', async () => {
    await record({ startedAt: T0 - 3 * HOUR });
    const memo = aggregateMemo(ledger.reader());
    const ask = (hoursBack: number) =>
      queryUsage(ledger, { since: T0 - hoursBack * HOUR, groupBy: 'day', utcOffsetMinutes: 0 }, clock);
    for (let h = 1; h <= MEMO_ENTRIES + 1; h++) await ask(h);
    expect(memo.size).toBe(MEMO_ENTRIES);
    const misses = memo.misses;
    await ask(MEMO_ENTRIES + 1);
    expect(memo.misses).toBe(misses);
    await ask(1);
    expect(memo.misses).toBe(misses + 1);
  });

  it('a row written between two questions is in the next answer, and the next round folds it', async () => {
    await record({ startedAt: T0 - 3 * HOUR });
    const before = await idle();
    clock += MINUTE;
    // A long request: it started before the last question was asked, so only the write tells.
    await record({ startedAt: clock - 4 * MINUTE, costUsd: 0.5 });
    const after = await minute();
    expect(after.today.requests).toBe(before.today.requests + 1);
    expect(after.today.costUsd).toBeCloseTo(before.today.costUsd + 0.5, 9);
    expect(after.cost!.today).toBeCloseTo(before.cost!.today + 0.5, 9);
    const db = ledger.reader();
    const { rolledTo } = await readRollupState(db);
    expect(rolledTo).toBe((await db.get<{ id: number }>('SELECT MAX(id) AS id FROM requests'))!.id);
  });

  it('a row the cache baseline reaches as its window slides, with nothing written, is counted', async () => {
    // The baseline ends an hour ago: this row enters it between 11:09 and 11:11, both edges still
    // in the hours they were in (the baseline from 11:xx on 11-30 to 10:xx today).
    clock = Date.UTC(2026, 11, 7, 11, 9);
    await record({ startedAt: Date.UTC(2026, 11, 7, 10, 10), cache: 'exact' });
    const before = await idle();
    expect(before.cacheBaseline).toEqual({ requests: 0, hits: 0 });
    clock = Date.UTC(2026, 11, 7, 11, 11);
    expect((await minute()).cacheBaseline).toEqual({ requests: 1, hits: 1 });
  });

  it("at midnight today's cost and the status bar's start from zero, with nothing written", async () => {
    clock = Date.UTC(2026, 11, 7, 23, 50);
    await record({ startedAt: clock - 10 * MINUTE, costUsd: 0.5 });
    const before = await idle();
    expect(before.cost).toEqual({ today: 0.5, baselineDays: [] });
    expect(before.today.costUsd).toBe(0.5);
    clock = Date.UTC(2026, 11, 8, 0, 0, 30);
    const after = await minute();
    expect(after.cost).toEqual({ today: 0, baselineDays: [0.5] });
    expect(after.today).toEqual({ requests: 0, costUsd: 0, p50: null });
  });

  it('where retention took the raw rows, the first hour the baseline rounds to leaves when its hour ends', async () => {
    maintenance = new UsageMaintenance({ ledger, retentionDays: 1, now: () => clock });
    clock = Date.UTC(2026, 11, 7, 10, 30);
    // The baseline starts at 10:30 on 11-30, where the raw rows are gone: it counts that whole hour.
    await record({ startedAt: Date.UTC(2026, 10, 30, 10, 40) });
    await record({ startedAt: clock - 5 * MINUTE });
    const before = await idle();
    expect((await readRollupState(ledger.reader())).rawSince).toBeGreaterThan(Date.UTC(2026, 10, 30, 10, 40));
    expect(before.cacheBaseline).toEqual({ requests: 1, hits: 0 });
    clock = Date.UTC(2026, 11, 7, 11, 0, 30);
    expect((await minute()).cacheBaseline).toEqual({ requests: 0, hits: 0 });
  });

  it('the round after an hour begins compacts the hour that ended, with nothing written', async () => {
    clock = Date.UTC(2026, 11, 7, 10, 40);
    // Folded one by one: a fold appends to the hour's row and counts it pending.
    for (let i = 0; i < 3; i++) {
      await record({ startedAt: clock - i * MINUTE, latencyMs: 400 + i * 200 });
      await maintenance.roll();
    }
    await idle();
    const pending = () =>
      ledger
        .reader()
        .get<{ n: number }>('SELECT SUM(pending) AS n FROM usage_hourly WHERE bucket = ?', [Date.UTC(2026, 11, 7, 10)]);
    // The open hour's sketches are left as appended.
    expect((await pending())!.n).toBeGreaterThan(0);
    clock = Date.UTC(2026, 11, 7, 11, 0, 30);
    await maintenance.round();
    expect((await pending())!.n).toBe(0);
  });
});
