import type { ExperimentResult } from '../../protocol';
import { percentiles } from '../usage/percentiles';
import type { ExperimentRow } from '../usage/ratings';
import type { ExperimentSettings } from './experimentSettings';
import { armLabel } from './experiments';

/**
 * Per-arm results of each experiment: requests, error rate, latency p50/p95, cost per request
 * and the ratings (a retry counts as a thumbs down). Arms no longer configured are left out.
 */
export function experimentResults(experiments: readonly ExperimentSettings[], rows: readonly ExperimentRow[]): ExperimentResult[] {
  const byArm = new Map<string, ExperimentRow[]>();
  for (const row of rows) {
    const list = byArm.get(row.experimentArm);
    if (list) list.push(row);
    else byArm.set(row.experimentArm, [row]);
  }
  return experiments.map((e) => {
    const total = e.arms.reduce((s, a) => s + a.weight, 0);
    return {
      id: e.id,
      feature: e.feature,
      arms: e.arms.map((arm) => {
        const list = byArm.get(armLabel(e.id, arm.name)) ?? [];
        const errors = list.filter((r) => r.errorCode !== null).length;
        const latency = percentiles(list.filter((r) => r.errorCode === null).map((r) => r.latencyMs));
        const priced = list.filter((r) => r.costUsd !== null);
        const up = list.filter((r) => r.rating?.rating === 1).length;
        const down = list.filter((r) => r.rating?.rating === -1).length;
        const retries = list.filter((r) => r.rating?.reason === 'retry').length;
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
        };
      }),
    };
  });
}
