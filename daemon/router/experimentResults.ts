import type { ArmComparison, ArmResult, ExperimentResult } from '../../protocol';
import type { ArmStats } from '../usage/ratings';
import type { ExperimentSettings } from './experimentSettings';
import { clearWinner, meanIntervalOfSums, wilson } from './confidence';
import { armLabel } from './experiments';

/**
 * Per-arm results of each experiment: requests, error rate, latency p50/p95, cost per request
 * and the ratings (a retry counts as a thumbs down), each rate and mean with its 95% interval,
 * and per measure the arm that wins, named only when its interval clears every other arm's.
 * Arms no longer configured are left out.
 */
export function experimentResults(
  experiments: readonly ExperimentSettings[],
  stats: ReadonlyMap<string, ArmStats>,
): ExperimentResult[] {
  return experiments.map((e) => {
    const total = e.arms.reduce((s, a) => s + a.weight, 0);
    const arms = e.arms.map((arm): ArmResult => {
      const a = stats.get(armLabel(e.id, arm.name)) ?? EMPTY;
      const cost = meanIntervalOfSums(a.priced, a.costSum, a.costSumSq);
      const lat = meanIntervalOfSums(a.ok, a.latencySum, a.latencySumSq);
      return {
        arm: arm.name,
        provider: arm.provider,
        model: arm.model,
        share: arm.weight / total,
        requests: a.requests,
        errors: a.errors,
        errorRate: a.requests ? a.errors / a.requests : null,
        latencyP50Ms: a.latencyP50Ms,
        latencyP95Ms: a.latencyP95Ms,
        costPerRequestUsd: a.priced ? a.costSum / a.priced : null,
        ratingsUp: a.up,
        ratingsDown: a.down,
        retries: a.retries,
        ratingScore: a.up + a.down > 0 ? (a.up - a.down) / (a.up + a.down) : null,
        upRate: a.up + a.down > 0 ? a.up / (a.up + a.down) : null,
        upRateCi: wilson(a.up, a.up + a.down),
        costCi: cost?.ci ?? null,
        latencyMeanMs: lat?.mean ?? null,
        latencyCi: lat?.ci ?? null,
      };
    });
    return { id: e.id, feature: e.feature, arms, comparisons: compare(arms) };
  });
}

const EMPTY: ArmStats = {
  requests: 0,
  errors: 0,
  ok: 0,
  latencySum: 0,
  latencySumSq: 0,
  latencyP50Ms: null,
  latencyP95Ms: null,
  priced: 0,
  costSum: 0,
  costSumSq: 0,
  up: 0,
  down: 0,
  retries: 0,
};

function compare(arms: readonly ArmResult[]): ArmComparison[] {
  const measure = (
    metric: ArmComparison['metric'],
    ci: (a: ArmResult) => ArmResult['upRateCi'],
    higherIsBetter: boolean,
    what: string,
  ): ArmComparison => {
    const named = arms.map((a) => ({ name: a.arm, ci: ci(a) ?? null }));
    const winner = clearWinner(named, higherIsBetter);
    const missing = named.filter((a) => a.ci === null).map((a) => a.name);
    const note = winner
      ? `winner ${winner} (its 95% interval clears every other arm's)`
      : missing.length
        ? `no winner: too little data for ${missing.join(', ')}`
        : 'no winner: the 95% intervals overlap';
    return { metric, winner, note: `${what}: ${note}` };
  };
  return [
    measure('thumbsUp', (a) => a.upRateCi, true, '👍 rate (Wilson)'),
    measure('cost', (a) => a.costCi, false, 'cost per request (normal approx.)'),
    measure('latency', (a) => a.latencyCi, false, 'mean latency (normal approx.)'),
  ];
}
