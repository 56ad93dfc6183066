import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Percentiles } from '../../../../protocol/usage';
import { latencyBreakdown, latencyMetrics } from '../../../../daemon/usage/latencyMetrics';
import { liveUsage } from '../../../../daemon/usage/liveUsage';
import { nearestRank, percentiles } from '../../../../daemon/usage/percentiles';
import { countErrors, groupRows, summarizeRows } from '../../../../daemon/usage/usageGroups';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { queryUsage } from '../../../../daemon/usage/usageQuery';
import { makeRecord, makeRow, tempDir } from './records';

const HOUR = 3_600_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ledgerWith(records: Parameters<typeof makeRecord>[0][]): Promise<UsageLedger> {
  const dir = tempDir();
  const ledger = UsageLedger.inHome(dir);
  cleanups.push(
    () => fs.rmSync(dir, { recursive: true, force: true }),
    () => ledger.close(),
  );
  await ledger.open();
  for (const r of records) expect(await ledger.record(makeRecord(r))).toEqual({ recorded: true });
  return ledger;
}

describe('percentiles (nearest rank)', () => {
  it('are exact on small sets', () => {
    const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(oneToTen, 50)).toBe(5);
    expect(nearestRank(oneToTen, 95)).toBe(10);
    expect(nearestRank(oneToTen, 99)).toBe(10);
    expect(nearestRank([42], 50)).toBe(42);
    expect(nearestRank([], 50)).toBeNull();
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles([...hundred].reverse())).toEqual({ count: 100, p50: 50, p95: 95, p99: 99 });
  });
});

describe('usage aggregation', () => {
  it('sums tokens and cost, counts unpriced and estimated requests, and cache savings', () => {
    const rows = [
      makeRow({
        costUsd: 0.1,
        usage: { input_tokens: 10, output_tokens: 1, cache_read_tokens: 2, cache_write_tokens: 3, reasoning_tokens: 0 },
      }),
      makeRow({
        costUsd: 0.2,
        costEstimated: true,
        usage: { input_tokens: 20, output_tokens: 2, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 1 },
      }),
      makeRow({ costUsd: null }),
      // Cache hits spent nothing; what they would have cost is savings, not spend.
      makeRow({ costUsd: 0, costSavedUsd: 0.3, cache: 'exact' }),
      makeRow({ costUsd: 0, costSavedUsd: 0.05, cache: 'semantic' }),
    ];
    const g = summarizeRows('all', rows);
    expect(g).toMatchObject({
      requests: 5,
      errors: 0,
      costUsd: 0.3,
      unpricedRequests: 1,
      estimatedCostRequests: 1,
      cacheHits: 2,
      cacheSavedUsd: 0.35,
      inputTokens: 10 + 20 + 300,
      outputTokens: 1 + 2 + 60,
      cacheReadTokens: 2,
      cacheWriteTokens: 3,
      reasoningTokens: 1,
    });
  });

  it('counts errors by code and HTTP status; a client cancellation is not an error', () => {
    const rows = [
      makeRow({ errorCode: 'rate_limited', httpStatus: 429 }),
      makeRow({ errorCode: 'rate_limited', httpStatus: 429 }),
      makeRow({ errorCode: 'timeout', httpStatus: null }),
      makeRow({ errorCode: 'server_error', httpStatus: 500 }),
      makeRow({ errorCode: 'cancelled', httpStatus: null }),
      makeRow(),
    ];
    expect(countErrors(rows)).toEqual({
      byCode: { rate_limited: 2, timeout: 1, server_error: 1 },
      byStatus: { 429: 2, none: 1, 500: 1 },
    });
    expect(summarizeRows('x', rows).errors).toBe(4);
  });

  it('takes latency percentiles over answered requests only', () => {
    const rows = [
      ...[100, 200, 300, 400].map((latencyMs) => makeRow({ latencyMs, ttftMs: latencyMs / 10 })),
      makeRow({ latencyMs: 99_999, errorCode: 'timeout', ttftMs: null }),
      makeRow({ latencyMs: 500, ttftMs: null }),
    ];
    const g = summarizeRows('x', rows);
    expect(g.latencyMs).toEqual({ count: 5, p50: 300, p95: 500, p99: 500 });
    expect(g.ttftMs).toEqual({ count: 4, p50: 20, p95: 40, p99: 40 });
  });

  it('groups by day in the caller’s calendar, across a day boundary', () => {
    // 23:30 and 00:30 at UTC+2 are two different local days, but the same UTC day.
    const lateEvening = Date.UTC(2025, 2, 10, 21, 30);
    const afterMidnight = Date.UTC(2025, 2, 10, 22, 30);
    const rows = [
      makeRow({ startedAt: lateEvening, costUsd: 1 }),
      makeRow({ startedAt: afterMidnight, costUsd: 2 }),
      makeRow({ startedAt: afterMidnight + HOUR, costUsd: 4 }),
    ];
    expect(groupRows(rows, 'day', 120).map((g) => [g.key, g.requests, g.costUsd])).toEqual([
      ['2025-03-10', 1, 1],
      ['2025-03-11', 2, 6],
    ]);
    expect(groupRows(rows, 'day', 0).map((g) => [g.key, g.requests])).toEqual([['2025-03-10', 3]]);
    expect(groupRows(rows, 'month', 120).map((g) => g.key)).toEqual(['2025-03']);
  });

  it('groups by feature, model and provider, most expensive first', () => {
    const rows = [
      makeRow({ feature: 'ask', model: 'a', costUsd: 1 }),
      makeRow({ feature: 'explain', model: 'b', provider: 'openai', costUsd: 5 }),
      makeRow({ feature: 'ask', model: null, provider: null, costUsd: 2 }),
    ];
    expect(groupRows(rows, 'feature', 0).map((g) => [g.key, g.costUsd])).toEqual([
      ['explain', 5],
      ['ask', 3],
    ]);
    expect(groupRows(rows, 'model', 0).map((g) => g.key)).toEqual(['b', '(none)', 'a']);
    expect(groupRows(rows, 'provider', 0).map((g) => g.key)).toEqual(['openai', '(none)', 'anthropic']);
  });

  it('latency breakdown per provider, model and feature', () => {
    const rows = [
      makeRow({ provider: 'anthropic', model: 'm1', feature: 'ask', latencyMs: 100 }),
      makeRow({ provider: 'anthropic', model: 'm2', feature: 'ask', latencyMs: 300 }),
      makeRow({ provider: 'openai', model: 'm3', feature: 'explain', latencyMs: 200 }),
    ];
    const byProvider = latencyBreakdown(rows).filter((r) => r.dimension === 'provider');
    expect(byProvider.map((r) => [r.key, r.latencyMs.p50, r.latencyMs.p99])).toEqual([
      ['anthropic', 100, 300],
      ['openai', 200, 200],
    ]);
  });
});

describe('queries against a real ledger', () => {
  it('usage/query: a range, a filter and per-day groups, with totals', async () => {
    const day = Date.UTC(2025, 0, 15);
    const ledger = await ledgerWith([
      { startedAt: day - 10, costUsd: 100 }, // the day before: outside the range
      { startedAt: day + HOUR, costUsd: 0.5, feature: 'ask' },
      { startedAt: day + 2 * HOUR, costUsd: 0.25, feature: 'explain', errorCode: 'overloaded', httpStatus: 529 },
      { startedAt: day + 25 * HOUR, costUsd: 1, feature: 'ask' },
    ]);
    const all = await queryUsage(
      ledger,
      { since: day, until: day + 3 * 24 * HOUR, groupBy: 'day', utcOffsetMinutes: 0 },
      day + 30 * HOUR,
    );
    expect(all.groups.map((g) => [g.key, g.requests, g.costUsd, g.errors])).toEqual([
      ['2025-01-15', 2, 0.75, 1],
      ['2025-01-16', 1, 1, 0],
    ]);
    expect(all.total).toMatchObject({ requests: 3, costUsd: 1.75, errors: 1 });
    expect(all.errorsByCode).toEqual({ overloaded: 1 });
    expect(all.errorsByStatus).toEqual({ 529: 1 });
    expect(all.ledger.state).toBe('ok');
    const ask = await queryUsage(
      ledger,
      { since: day, groupBy: 'feature', filters: { feature: 'ask' } },
      day + 30 * HOUR,
    );
    expect(ask.groups.map((g) => [g.key, g.requests])).toEqual([['ask', 2]]);
  });

  it('usage/metrics: the 1 h, 24 h and 7 d windows each hold their own requests', async () => {
    const now = Date.now();
    const ledger = await ledgerWith([
      { startedAt: now - 10 * 60_000, latencyMs: 100 },
      { startedAt: now - 5 * HOUR, latencyMs: 1000 },
      { startedAt: now - 3 * 24 * HOUR, latencyMs: 5000 },
      { startedAt: now - 8 * 24 * HOUR, latencyMs: 9000 },
    ]);
    const m = await latencyMetrics(ledger, undefined, now);
    const provider = (w: '1h' | '24h' | '7d') => m.windows[w].find((r) => r.dimension === 'provider')!.latencyMs;
    // Percentiles come from the rollups' sketches: within 1% of the exact values.
    const near = (p: Percentiles, count: number, p50: number, p95: number, p99: number) => {
      expect(p.count).toBe(count);
      for (const [got, want] of [
        [p.p50, p50],
        [p.p95, p95],
        [p.p99, p99],
      ] as const)
        expect(Math.abs(got! - want)).toBeLessThanOrEqual(want * 0.01);
    };
    near(provider('1h'), 1, 100, 100, 100);
    near(provider('24h'), 2, 100, 1000, 1000);
    near(provider('7d'), 3, 1000, 5000, 5000);
  });

  it('usage/live: the last minutes from memory', async () => {
    const now = Date.now();
    const ledger = await ledgerWith([
      { startedAt: now - 2 * 60_000, costUsd: 1 },
      { startedAt: now - 10 * 60_000, costUsd: 2, errorCode: 'timeout' },
      { startedAt: now - 50 * 60_000, costUsd: 4 },
    ]);
    const live = liveUsage(ledger, now);
    expect(live.windows.map((w) => [w.windowMs / 60_000, w.requests, w.errors, w.costUsd])).toEqual([
      [5, 1, 0, 1],
      [15, 2, 1, 3],
      [60, 3, 1, 7],
    ]);
  });

  it('the live window is seeded from the ledger when it opens (a restarted daemon is not blind)', async () => {
    const now = Date.now();
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const first = UsageLedger.inHome(dir);
    await first.open();
    await first.record(makeRecord({ startedAt: now - 60_000 }));
    await first.record(makeRecord({ startedAt: now - 2 * HOUR }));
    await first.close();
    const second = UsageLedger.inHome(dir);
    cleanups.push(() => second.close());
    await second.open();
    expect(second.live.since(HOUR, now)).toHaveLength(1);
  });
});
