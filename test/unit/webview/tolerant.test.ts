import { describe, expect, it } from 'vitest';
import { experimentsFrom, monthlyBudgetUsd } from '../../../webview/tolerant';

describe('budgets and experiments, read tolerantly', () => {
  it('finds a monthly budget in the shapes budgets usually take', () => {
    expect(monthlyBudgetUsd({ monthlyUsd: 50 })).toBe(50);
    expect(monthlyBudgetUsd({ monthly: 20 })).toBe(20);
    expect(monthlyBudgetUsd({ monthly: { usd: 30 } })).toBe(30);
    expect(monthlyBudgetUsd({ global: { monthlyUsd: 70 } })).toBe(70);
    expect(
      monthlyBudgetUsd([
        { period: 'day', limitUsd: 1 },
        { period: 'month', limitUsd: 25 },
      ]),
    ).toBe(25);
    expect(monthlyBudgetUsd(undefined, { monthlyUsd: 9 })).toBe(9);
  });

  it("reads daemon/status budgets (BudgetStatus[]): the global monthly one, not a feature's", () => {
    const b = (scope: string, period: 'day' | 'month', limitUsd: number) => ({
      scope,
      period,
      limitUsd,
      spentUsd: 1,
      reservedUsd: 0,
      remainingUsd: limitUsd - 1,
      resetsAt: 0,
    });
    expect(monthlyBudgetUsd([b('feature:ask', 'month', 3), b('global', 'day', 2), b('global', 'month', 80)])).toBe(80);
    expect(monthlyBudgetUsd([b('feature:ask', 'month', 3)])).toBeUndefined();
  });

  it('ignores what it does not recognize, and non-positive amounts', () => {
    expect(monthlyBudgetUsd({})).toBeUndefined();
    expect(monthlyBudgetUsd('50')).toBeUndefined();
    expect(monthlyBudgetUsd({ monthlyUsd: 0 })).toBeUndefined();
    expect(monthlyBudgetUsd({ daily: 5 })).toBeUndefined();
  });

  it('reads experiments as a list, a wrapped list or a map, with arms as a list or a map', () => {
    const arm = { requests: 10, costUsd: 0.5, latencyMs: { p50: 300 }, errors: 1, ratings: { up: 4, down: 1 } };
    const expected = [
      {
        name: 'e1',
        arms: [
          {
            name: 'a',
            requests: 10,
            costPerRequestUsd: 0.05,
            latencyP50Ms: 300,
            errors: 1,
            ratingsUp: 4,
            ratingsDown: 1,
            upRate: null,
            upRateCi: null,
            costCi: null,
            latencyMeanMs: null,
            latencyCi: null,
          },
        ],
        notes: [],
      },
    ];
    expect(experimentsFrom([{ id: 'e1', arms: [{ arm: 'a', ...arm }] }])).toEqual(expected);
    expect(experimentsFrom({ experiments: [{ name: 'e1', arms: { a: arm } }] })).toEqual(expected);
    expect(experimentsFrom({ e1: { arms: { a: arm } } })).toEqual(expected);
  });

  it('reads experiments/results as the daemon sends them', () => {
    const arm = {
      arm: 'mini',
      provider: 'openai',
      model: 'gpt-5.4-mini',
      share: 0.5,
      requests: 40,
      errors: 2,
      errorRate: 0.05,
      latencyP50Ms: 420,
      latencyP95Ms: 900,
      costPerRequestUsd: 0.0021,
      ratingsUp: 6,
      ratingsDown: 2,
      retries: 1,
      ratingScore: 0.5,
      upRate: 0.75,
      upRateCi: { low: 0.41, high: 0.93 },
      costCi: { low: 0.0017, high: 0.0025 },
      latencyMeanMs: 450,
      latencyCi: { low: 400, high: 500 },
    };
    const comparisons = [
      { metric: 'thumbsUp', winner: null, note: '👍 rate (Wilson): no winner: the 95% intervals overlap' },
    ];
    expect(
      experimentsFrom({ since: 0, experiments: [{ id: 'cheap', feature: 'ask', arms: [arm], comparisons }] }),
    ).toEqual([
      {
        name: 'cheap (ask)',
        arms: [
          {
            name: 'mini',
            requests: 40,
            costPerRequestUsd: 0.0021,
            latencyP50Ms: 420,
            errors: 2,
            ratingsUp: 6,
            ratingsDown: 2,
            upRate: 0.75,
            upRateCi: { low: 0.41, high: 0.93 },
            costCi: { low: 0.0017, high: 0.0025 },
            latencyMeanMs: 450,
            latencyCi: { low: 400, high: 500 },
          },
        ],
        notes: ['👍 rate (Wilson): no winner: the 95% intervals overlap'],
      },
    ]);
  });

  it('keeps arms with missing figures as unknowns and drops experiments without arms', () => {
    expect(experimentsFrom([{ id: 'e', arms: [{ name: 'x' }] }])).toEqual([
      {
        name: 'e',
        arms: [
          {
            name: 'x',
            requests: null,
            costPerRequestUsd: null,
            latencyP50Ms: null,
            errors: null,
            ratingsUp: null,
            ratingsDown: null,
            upRate: null,
            upRateCi: null,
            costCi: null,
            latencyMeanMs: null,
            latencyCi: null,
          },
        ],
        notes: [],
      },
    ]);
    expect(experimentsFrom([{ id: 'e', arms: [] }])).toEqual([]);
    expect(experimentsFrom(null)).toEqual([]);
    expect(experimentsFrom(42)).toEqual([]);
  });
});
