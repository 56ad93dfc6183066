import type {
  LatencyBreakdownRow,
  MetricsWindow,
  UsageFilters,
  UsageMetricsResult,
  UsageRow,
} from '../../protocol/usage';
import { aggregateUsage } from './rollupAggregate';
import { percentiles } from './percentiles';
import { isError } from './usageGroups';
import type { UsageLedger } from './usageLedger';

export const METRICS_WINDOWS: Record<MetricsWindow, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

const DIMENSIONS = ['provider', 'model', 'feature'] as const;

/** Latency and TTFT percentiles of successful requests, per provider, model and feature. */
export function latencyBreakdown(rows: readonly UsageRow[]): LatencyBreakdownRow[] {
  const out: LatencyBreakdownRow[] = [];
  for (const dimension of DIMENSIONS) {
    const buckets = new Map<string, { latency: number[]; ttft: number[] }>();
    for (const r of rows) {
      if (isError(r)) continue;
      const key = r[dimension] ?? '(none)';
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { latency: [], ttft: [] }));
      b.latency.push(r.latencyMs);
      if (r.ttftMs !== null) b.ttft.push(r.ttftMs);
    }
    for (const [key, b] of [...buckets].sort(([a], [b]) => a.localeCompare(b))) {
      out.push({ dimension, key, latencyMs: percentiles(b.latency), ttftMs: percentiles(b.ttft) });
    }
  }
  return out;
}

/**
 * `usage/metrics`: the 1 h, 24 h and 7 d windows, each grouped by provider, model and feature
 * in SQLite, with percentiles from the rollups' sketches (within 1%, latencySketch.ts).
 */
export async function latencyMetrics(
  ledger: UsageLedger,
  filters: UsageFilters | undefined,
  now: number,
): Promise<UsageMetricsResult> {
  const windows = {} as Record<MetricsWindow, LatencyBreakdownRow[]>;
  for (const [name, ms] of Object.entries(METRICS_WINDOWS) as [MetricsWindow, number][]) {
    const out: LatencyBreakdownRow[] = [];
    for (const dimension of DIMENSIONS) {
      const { groups } = await aggregateUsage(ledger.reader(), {
        since: now - ms,
        until: now + 1,
        groupBy: [dimension],
        utcOffsetMinutes: 0,
        sketches: true,
        ...(filters ? { filters } : {}),
      });
      for (const g of [...groups.values()].sort((a, b) => a.keys[0]!.localeCompare(b.keys[0]!))) {
        if (g.latency.count === 0) continue;
        out.push({ dimension, key: g.keys[0]!, latencyMs: g.latency.percentiles(), ttftMs: g.ttft.percentiles() });
      }
    }
    windows[name] = out;
  }
  return { windows, ledger: ledger.status() };
}
