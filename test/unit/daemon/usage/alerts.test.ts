import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageRow } from '../../../../protocol/usage';
import { AlertManager } from '../../../../daemon/usage/alertManager';
import { AlertMonitor } from '../../../../daemon/usage/alertMonitor';
import { evaluateAlerts } from '../../../../daemon/usage/alertRules';
import { buildAlertSnapshot, type AlertSnapshot } from '../../../../daemon/usage/alertSnapshot';
import { alertThresholdsSchema, defaultAlertThresholds as T } from '../../../../daemon/usage/alertThresholds';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { makeRecord, makeRow, tempDir } from './records';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 5, 20, 15, 0);

function snapshot(recent: UsageRow[], extra: Partial<AlertSnapshot> = {}): AlertSnapshot {
  return { recent, cost: null, cacheBaseline: null, queueingForMs: null, ledgerDegraded: null, ...extra };
}

/** n requests spread over the last `spanMs`, the first `failed` of them failing. */
function traffic(
  n: number,
  opts: { failed?: number; code?: UsageRow['errorCode']; latencyMs?: number; hits?: number; spanMs?: number } = {},
): UsageRow[] {
  return Array.from({ length: n }, (_, i) =>
    makeRow({
      startedAt: NOW - Math.floor(((i + 1) / (n + 1)) * (opts.spanMs ?? 10 * MIN)),
      errorCode: i < (opts.failed ?? 0) ? (opts.code ?? 'server_error') : null,
      httpStatus: i < (opts.failed ?? 0) ? 500 : 200,
      latencyMs: opts.latencyMs ?? 800,
      cache: i < (opts.hits ?? 0) ? 'exact' : 'none',
    }),
  );
}

const kinds = (s: AlertSnapshot, now = NOW) =>
  evaluateAlerts(s, T, now)
    .map((a) => a.kind)
    .sort();

describe('alert rules', () => {
  it('defaults follow the guide', () => {
    expect(T.errorRate).toMatchObject({ rate: 0.05, minRequests: 20, windowMs: 15 * MIN });
    expect(T.latencyP95.thresholdMs).toBe(10_000);
    expect(T.costSpike.ratio).toBe(1.5);
    expect(T.cacheHitDrop.dropRatio).toBe(0.5);
    expect(alertThresholdsSchema.parse({ errorRate: { rate: 0.1 } }).errorRate).toEqual({ ...T.errorRate, rate: 0.1 });
  });

  it('quiet on a healthy ledger', () => {
    expect(kinds(snapshot(traffic(100, { failed: 2 })))).toEqual([]);
  });

  it('error rate: fires above 5% with at least 20 requests in 15 min, not with fewer, not on old failures', () => {
    expect(kinds(snapshot(traffic(40, { failed: 3 })))).toEqual(['error_rate']);
    const [alert] = evaluateAlerts(snapshot(traffic(40, { failed: 3 })), T, NOW);
    expect(alert!.message).toMatch(/7\.5% of requests failed in the last 15 min \(3 of 40; server_error ×3\)/);
    expect(alert!.severity).toBe('warning');
    expect(kinds(snapshot(traffic(19, { failed: 10 })))).toEqual([]);
    expect(kinds(snapshot(traffic(40, { failed: 2 })))).toEqual([]); // exactly 5% does not exceed 5%
    expect(evaluateAlerts(snapshot(traffic(40, { failed: 20 })), T, NOW)[0]!.severity).toBe('critical');
    // The same failures, 20 minutes later, are outside the window: the alert clears.
    expect(kinds(snapshot(traffic(40, { failed: 3 })), NOW + 20 * MIN)).toEqual([]);
  });

  it('cancellations by the user do not count as failures', () => {
    expect(kinds(snapshot(traffic(40, { failed: 10, code: 'cancelled' })))).toEqual([]);
  });

  it('latency p95 above 10 s fires; the slow tail under 5% does not', () => {
    const slow = traffic(20, { latencyMs: 12_000 });
    expect(kinds(snapshot([...traffic(20), ...slow]))).toEqual(['latency_p95']);
    expect(kinds(snapshot([...traffic(99), ...traffic(1, { latencyMs: 60_000 })]))).toEqual([]);
  });

  it('cost spike: today more than 50% above the daily average of the previous active days', () => {
    const cost = (today: number) => snapshot([], { cost: { today, baselineDays: [2, 2, 2, 2] } });
    expect(kinds(cost(3.5))).toEqual(['cost_spike']);
    expect(evaluateAlerts(cost(3.5), T, NOW)[0]!.message).toMatch(/\$3\.50, 75% above the daily average of \$2\.00/);
    expect(kinds(cost(2.9))).toEqual([]);
    // No history, or pennies: nothing to compare, nothing worth a page.
    expect(kinds(snapshot([], { cost: { today: 10, baselineDays: [] } }))).toEqual([]);
    expect(kinds(snapshot([], { cost: { today: 0.05, baselineDays: [0.01] } }))).toEqual([]);
  });

  it('rate limits: a 429 that ended a request fires; sustained queueing fires through its hook', () => {
    expect(kinds(snapshot(traffic(5, { failed: 1, code: 'rate_limited' })))).toEqual(['rate_limited']);
    expect(kinds(snapshot([], { queueingForMs: 90_000 }))).toEqual(['queueing']);
    expect(kinds(snapshot([], { queueingForMs: 10_000 }))).toEqual([]);
  });

  it('cache hit rate halved against its 7-day level fires', () => {
    const baseline = { requests: 1000, hits: 400 }; // 40%
    expect(kinds(snapshot(traffic(50, { hits: 5, spanMs: 50 * MIN }), { cacheBaseline: baseline }))).toEqual([
      'cache_hit_drop',
    ]); // 10%
    expect(kinds(snapshot(traffic(50, { hits: 15, spanMs: 50 * MIN }), { cacheBaseline: baseline }))).toEqual([]); // 30%
    expect(kinds(snapshot(traffic(50, { hits: 0 }), { cacheBaseline: { requests: 1000, hits: 0 } }))).toEqual([]); // never cached
  });

  it('a degraded ledger is a critical alert with its message', () => {
    const [alert] = evaluateAlerts(
      snapshot([], { ledgerDegraded: 'disk full — requests are not being recorded; free space in /x' }),
      T,
      NOW,
    );
    expect(alert).toMatchObject({ kind: 'ledger_degraded', severity: 'critical' });
    expect(alert!.message).toContain('disk full');
  });
});

describe('AlertManager', () => {
  const firing = evaluateAlerts(snapshot(traffic(40, { failed: 4 })), T, NOW);
  const cooldown = 30 * MIN;

  it('sends an alert once, repeats it only after the cooldown, clears it, and fires it again later', () => {
    const m = new AlertManager();
    expect(m.update(firing, NOW, cooldown).map((e) => e.type)).toEqual(['fired']);
    expect(m.update(firing, NOW + MIN, cooldown)).toEqual([]);
    expect(m.update(firing, NOW + 29 * MIN, cooldown)).toEqual([]);
    const repeat = m.update(firing, NOW + 30 * MIN, cooldown);
    expect(repeat.map((e) => e.type)).toEqual(['repeated']);
    expect(repeat[0]!.alert.firedAt).toBe(NOW);
    expect(m.update(firing, NOW + 31 * MIN, cooldown)).toEqual([]);
    expect(m.list().active).toHaveLength(1);

    const cleared = m.update([], NOW + 40 * MIN, cooldown);
    expect(cleared.map((e) => [e.type, e.alert.clearedAt])).toEqual([['cleared', NOW + 40 * MIN]]);
    expect(m.list()).toMatchObject({ active: [], recent: [{ kind: 'error_rate', clearedAt: NOW + 40 * MIN }] });

    // Back within the cooldown, but it cleared in between: a new episode, sent at once.
    const again = m.update(firing, NOW + 41 * MIN, cooldown);
    expect(again.map((e) => [e.type, e.alert.firedAt])).toEqual([['fired', NOW + 41 * MIN]]);
  });
});

describe('alerts over a real ledger', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function ledger(): Promise<UsageLedger> {
    const dir = tempDir();
    const l = UsageLedger.inHome(dir);
    cleanups.push(
      () => fs.rmSync(dir, { recursive: true, force: true }),
      () => l.close(),
    );
    await l.open();
    return l;
  }

  it('the snapshot reads today’s cost and the earlier days, and the cost-spike rule fires on it', async () => {
    const l = await ledger();
    const now = NOW; // mid-afternoon UTC, so "now - 1 s" is still today
    for (let d = 1; d <= 7; d++) await l.record(makeRecord({ startedAt: now - d * DAY, costUsd: 1 }));
    await l.record(makeRecord({ startedAt: now - 8 * DAY - HOUR, costUsd: 500 })); // outside the baseline
    await l.record(makeRecord({ startedAt: now - 1000, costUsd: 1.2 }));
    const quiet = await buildAlertSnapshot({ ledger: l, utcOffsetMinutes: 0 }, T, now);
    expect(quiet.cost?.today).toBeCloseTo(1.2);
    expect(quiet.cost?.baselineDays.every((c) => c === 1)).toBe(true);
    expect(evaluateAlerts(quiet, T, now)).toEqual([]);
    await l.record(makeRecord({ startedAt: now - 500, costUsd: 1 }));
    const spiked = await buildAlertSnapshot({ ledger: l, utcOffsetMinutes: 0 }, T, now);
    expect(evaluateAlerts(spiked, T, now).map((a) => a.kind)).toEqual(['cost_spike']);
  });

  it('the monitor fires, stays quiet in the cooldown, and clears as the failures age out', async () => {
    const l = await ledger();
    let now = Date.now();
    const events: string[] = [];
    const monitor = new AlertMonitor({
      ledger: l,
      thresholds: () => T,
      onEvent: (e) => events.push(`${e.type}:${e.alert.kind}`),
      now: () => now,
    });
    for (let i = 0; i < 30; i++)
      await l.record(
        makeRecord({
          startedAt: now - i * 1000,
          errorCode: i < 6 ? 'rate_limited' : null,
          httpStatus: i < 6 ? 429 : 200,
        }),
      );
    await monitor.evaluate();
    expect(events.sort()).toEqual(['fired:error_rate', 'fired:rate_limited']);
    events.length = 0;
    now += 5 * MIN;
    await monitor.evaluate();
    expect(events).toEqual([]);
    expect(
      monitor
        .list()
        .active.map((a) => a.kind)
        .sort(),
    ).toEqual(['error_rate', 'rate_limited']);
    now += 15 * MIN;
    await monitor.evaluate();
    expect(events.sort()).toEqual(['cleared:error_rate', 'cleared:rate_limited']);
    expect(monitor.list()).toMatchObject({ active: [], ledger: { state: 'ok' } });
    expect(monitor.list().recent).toHaveLength(2);
  });
});
