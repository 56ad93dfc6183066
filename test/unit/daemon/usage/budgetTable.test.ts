import { describe, expect, it } from 'vitest';
import { BudgetAlerts } from '../../../../daemon/usage/budgetAlerts';
import { budgetSchema, type BudgetSettings } from '../../../../daemon/usage/budgetSettings';
import { BudgetTable, MAX_UNBUDGETED_FEATURES } from '../../../../daemon/usage/budgetTable';

const DAY = 86_400_000;
// 2026-03-10 12:00 UTC, with the calendar at UTC.
const NOON = Date.UTC(2026, 2, 10, 12);

function table(settings: Partial<BudgetSettings>, now = () => NOON) {
  const s = budgetSchema.parse(settings);
  return new BudgetTable({ settings: () => s, now, utcOffsetMinutes: () => 0 });
}

describe('the budget reservation table', () => {
  it('50 concurrent reservations against a budget that fits 10 worst cases: exactly 10 go, and spend never passes the budget', async () => {
    const t = table({ dailyUsd: 1 });
    const worst = 0.1;
    // Each "request" reserves, then awaits its upstream call, then settles to less than it reserved.
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const r = t.tryReserve('ask', worst);
        if (!r.ok) return 'refused';
        await new Promise((res) => setTimeout(res, 5 + (i % 7)));
        t.settle(r.reservation, 0.06 + (i % 4) * 0.01);
        return 'sent';
      }),
    );
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(10);
    expect(t.spentUsd('global', 'day')).toBeLessThanOrEqual(1);
    // What the settled requests did not use is free again.
    expect(t.tryReserve('ask', 0.1).ok).toBe(true);
  });

  it('raises a held reservation for a dearer model only when the difference fits, and settles the raised amount', () => {
    const t = table({ dailyUsd: 1, byFeature: { ask: { dailyUsd: 0.5 } } });
    const a = t.tryReserve('ask', 0.1);
    const b = t.tryReserve('ask', 0.1);
    if (!a.ok || !b.ok) throw new Error('both fit');
    expect(t.tryRaise(a.reservation, 0.35).ok).toBe(true);
    expect(a.reservation.usd).toBeCloseTo(0.35, 12);
    // 0.45 of the feature's 0.5 is held: b cannot rise to 0.35 too, and keeps what it had.
    expect(t.tryRaise(b.reservation, 0.35)).toMatchObject({
      ok: false,
      refusal: { scope: 'feature:ask', neededUsd: expect.closeTo(0.25, 12) },
    });
    expect(b.reservation.usd).toBeCloseTo(0.1, 12);
    expect(t.statuses().find((x) => x.scope === 'feature:ask')!.reservedUsd).toBeCloseTo(0.45, 12);
    // A cheaper model needs no raise.
    expect(t.tryRaise(b.reservation, 0.05).ok).toBe(true);
    expect(b.reservation.usd).toBeCloseTo(0.1, 12);
    t.settle(a.reservation, 0.3);
    t.release(b.reservation);
    const ask = t.statuses().find((x) => x.scope === 'feature:ask')!;
    expect(ask.reservedUsd).toBeCloseTo(0, 12);
    expect(ask.spentUsd).toBeCloseTo(0.3, 12);
  });

  it('a refusal says which budget, what is left, what is held in flight and when it resets', () => {
    const t = table({ dailyUsd: 5, byFeature: { explain: { dailyUsd: 0.5 } } });
    const first = t.tryReserve('explain', 0.3);
    expect(first.ok).toBe(true);
    const second = t.tryReserve('explain', 0.3);
    expect(second).toMatchObject({
      ok: false,
      refusal: {
        scope: 'feature:explain',
        period: 'day',
        limitUsd: 0.5,
        spentUsd: 0,
        reservedUsd: 0.3,
        neededUsd: 0.3,
      },
    });
    if (!second.ok) {
      expect(second.refusal.remainingUsd).toBeCloseTo(0.2, 10);
      expect(second.refusal.resetsAt).toBe(Date.UTC(2026, 2, 11));
    }
    // Another feature is only held to the global budget.
    expect(t.tryReserve('ask', 1).ok).toBe(true);
  });

  it('a failure releases its reservation; a cache hit or an unpriced model settles at 0', () => {
    const t = table({ dailyUsd: 1 });
    const a = t.tryReserve('ask', 0.9);
    expect(t.tryReserve('ask', 0.2).ok).toBe(false);
    if (a.ok) t.release(a.reservation);
    const b = t.tryReserve('ask', 0.9);
    if (b.ok) {
      t.settle(b.reservation, null);
      t.settle(b.reservation, 5);
    } // settling twice counts once
    expect(t.spentUsd('global', 'day')).toBe(0);
  });

  it('counts the spend the ledger had at start, per day and per month, and a new day starts afresh', () => {
    let now = NOON;
    const t = table({ dailyUsd: 1, monthlyUsd: 3 }, () => now);
    t.seed({
      day: '2026-03-10',
      month: '2026-03',
      dayByFeature: new Map([['ask', 0.95]]),
      monthByFeature: new Map([
        ['ask', 2.5],
        ['explain', 0.4],
      ]),
    });
    expect(t.tryReserve('ask', 0.1)).toMatchObject({ ok: false, refusal: { period: 'day' } });
    now = NOON + DAY;
    expect(t.tryReserve('ask', 0.05).ok).toBe(true);
    expect(t.tryReserve('ask', 0.1)).toMatchObject({
      ok: false,
      refusal: { period: 'month', resetsAt: Date.UTC(2026, 3, 1) },
    });
  });

  it('lists every configured budget with spent, reserved and left', () => {
    const t = table({ monthlyUsd: 10, byFeature: { ask: { dailyUsd: 2 } } });
    const r = t.tryReserve('ask', 0.5);
    expect(r.ok).toBe(true);
    expect(t.statuses()).toEqual([
      {
        scope: 'global',
        period: 'month',
        limitUsd: 10,
        spentUsd: 0,
        reservedUsd: 0.5,
        remainingUsd: 9.5,
        resetsAt: Date.UTC(2026, 3, 1),
      },
      {
        scope: 'feature:ask',
        period: 'day',
        limitUsd: 2,
        spentUsd: 0,
        reservedUsd: 0.5,
        remainingUsd: 1.5,
        resetsAt: Date.UTC(2026, 2, 11),
      },
    ]);
  });
});

describe('budget warnings', () => {
  it('fire at 50, 80 and 100 %, once each per budget and period', () => {
    const t = table({ dailyUsd: 1 });
    const alerts = new BudgetAlerts(() => NOON);
    const spend = (usd: number) => {
      const r = t.tryReserve('ask', usd);
      if (r.ok) t.settle(r.reservation, usd);
      return alerts.check(t.statuses(), [0.5, 0.8, 1]);
    };
    expect(spend(0.3)).toEqual([]);
    const half = spend(0.25);
    expect(half).toHaveLength(1);
    expect(half[0]).toMatchObject({
      type: 'fired',
      alert: { id: 'budget:global:day', kind: 'budget', severity: 'warning', threshold: 0.5 },
    });
    expect(half[0]!.alert.message).toMatch(/daily budget is 55 % spent: \$0\.55 of \$1\.00/);
    expect(spend(0.01)).toEqual([]);
    expect(spend(0.3)[0]).toMatchObject({ type: 'repeated', alert: { threshold: 0.8 } });
    expect(spend(0.14)[0]).toMatchObject({ alert: { threshold: 1, severity: 'critical' } });
    expect(alerts.check(t.statuses(), [0.5, 0.8, 1])).toEqual([]);
    expect(alerts.list()).toHaveLength(1);
  });
});

describe('budget warnings over many periods', () => {
  it('remember only the warnings of periods not yet over', () => {
    let now = NOON;
    const t = table({ dailyUsd: 1 }, () => now);
    const alerts = new BudgetAlerts(() => now);
    let fired = 0;
    for (let day = 0; day < 100; day++) {
      now = NOON + day * DAY;
      t.addSpend('ask', 1);
      fired += alerts.check(t.statuses(), [0.5, 0.8, 1]).length;
    }
    expect(fired).toBe(100);
    expect((alerts as unknown as { sent: Map<string, number> }).sent.size).toBe(1);
  });
});

describe('the budget table is bounded by count', () => {
  it('tracks the spend of at most MAX_UNBUDGETED_FEATURES features without a budget, and keeps those with one', () => {
    const t = table({ dailyUsd: 1_000_000, byFeature: { kept: { dailyUsd: 100 } } });
    t.addSpend('kept', 1);
    for (let i = 0; i < MAX_UNBUDGETED_FEATURES * 3; i++) t.addSpend(`feature-${i}`, 0.01);
    const tracked = (t as unknown as { spent: Map<string, number> }).spent;
    // The global day and month, and two keys (day, month) per feature kept.
    expect(tracked.size).toBe(2 + 2 * MAX_UNBUDGETED_FEATURES);
    expect(t.spentUsd('feature:kept', 'day')).toBe(1);
    expect(t.spentUsd(`feature:feature-${MAX_UNBUDGETED_FEATURES * 3 - 1}`, 'day')).toBeCloseTo(0.01);
    expect(t.spentUsd('feature:feature-0', 'day')).toBe(0);
    // Every request still counts against the global budget.
    expect(t.spentUsd('global', 'day')).toBeCloseTo(1 + 0.01 * MAX_UNBUDGETED_FEATURES * 3);
  });

  it('drops past days and months once a new one starts', () => {
    let now = NOON;
    const t = table({ dailyUsd: 10 }, () => now);
    const spent = (t as unknown as { spent: Map<string, number> }).spent;
    for (let day = 0; day < 100; day++) {
      now = NOON + day * DAY;
      t.addSpend('ask', 0.5);
    }
    // Today's and this month's, for the global budget and the feature.
    expect([...spent.keys()].sort()).toEqual([
      'feature:ask|d:2026-06-17',
      'feature:ask|m:2026-06',
      'global|d:2026-06-17',
      'global|m:2026-06',
    ]);
    expect(t.spentUsd('global', 'day')).toBe(0.5);
  });
});
