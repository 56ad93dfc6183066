import type { ArmComparison, ArmResult, ExperimentResult } from '../../protocol';
import { percentiles } from '../usage/percentiles';
import type { ExperimentRow } from '../usage/ratings';
import type { ExperimentSettings } from './experimentSettings';
import { clearWinner, meanInterval, wilson } from './confidence';
import { armLabel } from './experiments';

/**
 * Per-arm results of each experiment: requests, error rate, latency p50/p95, cost per request
 * and the ratings (a retry counts as a thumbs down), each rate and mean with its 95% interval,
 * and per measure the arm that wins, named only when its interval clears every other arm's.
 * Arms no longer configured are left out.
 */
export function experimentResults(
  experiments: readonly ExperimentSettings[],
  rows: readonly ExperimentRow[],
): ExperimentResult[] {
  const byArm = new Map<string, ExperimentRow[]>();
  for (const row of rows) {
    const list = byArm.get(row.experimentArm);
    if (list) list.push(row);
    else byArm.set(row.experimentArm, [row]);
  }
  return experiments.map((e) => {
    const total = e.arms.reduce((s, a) => s + a.weight, 0);
    const arms = e.arms.map((arm): ArmResult => {
      const list = byArm.get(armLabel(e.id, arm.name)) ?? [];
      const errors = list.filter((r) => r.errorCode !== null).length;
      const latency = percentiles(list.filter((r) => r.errorCode === null).map((r) => r.latencyMs));
      const priced = list.filter((r) => r.costUsd !== null);
      const up = list.filter((r) => r.rating?.rating === 1).length;
      const down = list.filter((r) => r.rating?.rating === -1).length;
      const retries = list.filter((r) => r.rating?.reason === 'retry').length;
      const cost = meanInterval(priced.map((r) => r.costUsd ?? 0));
      const lat = meanInterval(list.filter((r) => r.errorCode === null).map((r) => r.latencyMs));
      return {
        arm: arm.name,
        provider: arm.provider,
        model: arm.model,
        share: arm.weight / total,
        requests: list.length,
        errors,
        errorRate: list.length ? errors / list.length : null,
        latencyP50Ms: latency.p50,
        latencyP95Ms: latency.p95,
        costPerRequestUsd: priced.length ? priced.reduce((s, r) => s + (r.costUsd ?? 0), 0) / priced.length : null,
        ratingsUp: up,
        ratingsDown: down,
        retries,
        ratingScore: up + down > 0 ? (up - down) / (up + down) : null,
        upRate: up + down > 0 ? up / (up + down) : null,
        upRateCi: wilson(up, up + down),
        costCi: cost?.ci ?? null,
        latencyMeanMs: lat?.mean ?? null,
        latencyCi: lat?.ci ?? null,
      };
    });
    return { id: e.id, feature: e.feature, arms, comparisons: compare(arms) };
  });
}

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
