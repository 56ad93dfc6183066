import { describe, expect, it } from 'vitest';
import { clearWinner, meanInterval, meanIntervalOfSums, wilson } from '../../../../daemon/router/confidence';
import { experimentResults } from '../../../../daemon/router/experimentResults';
import { experimentsSchema } from '../../../../daemon/router/experimentSettings';
import { armLabel } from '../../../../daemon/router/experiments';
import type { ArmStats } from '../../../../daemon/usage/ratings';

/** A request of an arm, as the ledger holds it: what ArmStats sums (the SQL side is tested in experiments.test.ts). */
interface ExperimentRow {
  experimentArm: string;
  latencyMs: number;
  errorCode: string | null;
  costUsd: number | null;
  rating: { rating: 1 | -1; reason: 'user' | 'retry' } | null;
}

function statsOf(rows: readonly ExperimentRow[]): Map<string, ArmStats> {
  const out = new Map<string, ArmStats>();
  for (const r of rows) {
    const a = out.get(r.experimentArm) ?? {
      ...{ requests: 0, errors: 0, ok: 0, latencySum: 0, latencySumSq: 0, latencyP50Ms: null, latencyP95Ms: null },
      ...{ priced: 0, costSum: 0, costSumSq: 0, up: 0, down: 0, retries: 0 },
    };
    out.set(r.experimentArm, a);
    a.requests++;
    if (r.errorCode !== null) a.errors++;
    else {
      a.ok++;
      a.latencySum += r.latencyMs;
      a.latencySumSq += r.latencyMs ** 2;
    }
    if (r.costUsd !== null) {
      a.priced++;
      a.costSum += r.costUsd;
      a.costSumSq += r.costUsd ** 2;
    }
    if (r.rating?.rating === 1) a.up++;
    if (r.rating?.rating === -1) a.down++;
    if (r.rating?.reason === 'retry') a.retries++;
  }
  return out;
}

describe('confidence intervals', () => {
  it('Wilson: the textbook values, inside [0, 1] even at 0 of n', () => {
    const half = wilson(5, 10)!;
    expect(half.low).toBeCloseTo(0.2366, 3);
    expect(half.high).toBeCloseTo(0.7634, 3);
    const none = wilson(0, 10)!;
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 3);
    expect(wilson(0, 0)).toBeNull();
  });

  it('a mean by the normal approximation, which needs two values', () => {
    const m = meanInterval([1, 2, 3, 4, 5])!;
    expect(m.mean).toBe(3);
    expect(m.ci.low).toBeCloseTo(3 - 1.96 * Math.sqrt(2.5 / 5), 2);
    expect(meanInterval([1])).toBeNull();
    // The same interval from a count, a sum and a sum of squares, as SQLite gives them.
    const sums = meanIntervalOfSums(5, 15, 55)!;
    expect(sums.mean).toBe(m.mean);
    expect(sums.ci.low).toBeCloseTo(m.ci.low, 12);
    expect(sums.ci.high).toBeCloseTo(m.ci.high, 12);
    expect(meanIntervalOfSums(1, 3, 9)).toBeNull();
  });

  it('names a winner only when its interval clears every other arm', () => {
    expect(
      clearWinner(
        [
          { name: 'a', ci: { low: 0.6, high: 0.8 } },
          { name: 'b', ci: { low: 0.2, high: 0.5 } },
        ],
        true,
      ),
    ).toBe('a');
    expect(
      clearWinner(
        [
          { name: 'a', ci: { low: 0.4, high: 0.8 } },
          { name: 'b', ci: { low: 0.2, high: 0.5 } },
        ],
        true,
      ),
    ).toBeNull();
    expect(
      clearWinner(
        [
          { name: 'a', ci: { low: 1, high: 2 } },
          { name: 'b', ci: { low: 3, high: 4 } },
        ],
        false,
      ),
    ).toBe('a');
    expect(
      clearWinner(
        [
          { name: 'a', ci: { low: 0.6, high: 0.8 } },
          { name: 'b', ci: null },
        ],
        true,
      ),
    ).toBeNull();
  });
});

describe('experiment results say when they mean something', () => {
  const [trial] = experimentsSchema.parse([
    {
      id: 'ab',
      feature: 'explain',
      arms: [
        { name: 'cheap', provider: 'openai', model: 'gpt-5.4-mini', weight: 1 },
        { name: 'dear', provider: 'anthropic', model: 'claude-sonnet-5-5', weight: 1 },
      ],
    },
  ]);
  const rows = (
    arm: string,
    n: number,
    up: number,
    cost: (i: number) => number,
    latency: (i: number) => number,
  ): ExperimentRow[] =>
    Array.from({ length: n }, (_, i) => ({
      experimentArm: armLabel('ab', arm),
      latencyMs: latency(i),
      errorCode: null,
      costUsd: cost(i),
      rating: { rating: i < up ? 1 : -1, reason: 'user' },
    }));

  it('few ratings: intervals for every arm, and no winner because they overlap', () => {
    const [r] = experimentResults(
      [trial!],
      statsOf([
        ...rows(
          'cheap',
          6,
          3,
          () => 0.001,
          (i) => 100 + i,
        ),
        ...rows(
          'dear',
          6,
          5,
          () => 0.01,
          (i) => 400 + i,
        ),
      ]),
    );
    const [cheap, dear] = r!.arms;
    expect(cheap!.upRateCi!.low).toBeLessThan(cheap!.upRate!);
    expect(dear!.upRateCi!.high).toBeGreaterThan(dear!.upRate!);
    const thumbs = r!.comparisons!.find((c) => c.metric === 'thumbsUp')!;
    expect(thumbs.winner).toBeNull();
    expect(thumbs.note).toMatch(/intervals overlap/);
    // Latency and cost differ by far more than their spread: those have a winner.
    expect(r!.comparisons!.find((c) => c.metric === 'latency')!.winner).toBe('cheap');
    expect(r!.comparisons!.find((c) => c.metric === 'cost')!.winner).toBe('cheap');
  });

  it('many ratings with a real difference: a winner on thumbs up', () => {
    const [r] = experimentResults(
      [trial!],
      statsOf([
        ...rows(
          'cheap',
          400,
          200,
          () => 0.001,
          () => 100,
        ),
        ...rows(
          'dear',
          400,
          320,
          () => 0.01,
          () => 400,
        ),
      ]),
    );
    expect(r!.comparisons!.find((c) => c.metric === 'thumbsUp')).toMatchObject({ winner: 'dear' });
  });

  it('an arm without data is named as the reason there is no winner', () => {
    const [r] = experimentResults(
      [trial!],
      statsOf(
        rows(
          'cheap',
          10,
          5,
          () => 0.001,
          () => 100,
        ),
      ),
    );
    expect(r!.comparisons!.find((c) => c.metric === 'thumbsUp')!.note).toMatch(/too little data for dear/);
  });
});
