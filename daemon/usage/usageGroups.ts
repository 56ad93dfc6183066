import type { UsageGroup, UsageGroupBy, UsageRow } from '../../protocol/usage';
import { dayKey, hourKey, monthKey } from './calendarKey';
import { percentiles } from './percentiles';

/** Client cancellations are the user's choice, not a failure of the service. */
export function isError(row: UsageRow): boolean {
  return row.errorCode !== null && row.errorCode !== 'cancelled';
}

export function isCacheHit(row: UsageRow): boolean {
  return row.cache !== 'none';
}

/** Sums and percentiles for one set of rows. Cost is what was spent; savings are apart. */
export function summarizeRows(key: string, rows: readonly UsageRow[]): UsageGroup {
  const g: UsageGroup = {
    key,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    estimatedCostRequests: 0,
    unpricedRequests: 0,
    cacheHits: 0,
    cacheSavedUsd: 0,
    latencyMs: percentiles([]),
    ttftMs: percentiles([]),
  };
  const latencies: number[] = [];
  const ttfts: number[] = [];
  for (const r of rows) {
    g.requests++;
    if (isError(r)) g.errors++;
    g.inputTokens += r.inputTokens;
    g.outputTokens += r.outputTokens;
    g.cacheReadTokens += r.cacheReadTokens;
    g.cacheWriteTokens += r.cacheWriteTokens;
    g.reasoningTokens += r.reasoningTokens;
    if (r.costUsd === null) g.unpricedRequests++;
    else g.costUsd += r.costUsd;
    if (r.costEstimated) g.estimatedCostRequests++;
    if (isCacheHit(r)) {
      g.cacheHits++;
      g.cacheSavedUsd += r.costSavedUsd;
    }
    // Latency and TTFT describe answers; a failure's duration says how long it took to fail.
    if (!isError(r)) {
      latencies.push(r.latencyMs);
      if (r.ttftMs !== null) ttfts.push(r.ttftMs);
    }
  }
  g.costUsd = roundUsd(g.costUsd);
  g.cacheSavedUsd = roundUsd(g.cacheSavedUsd);
  g.latencyMs = percentiles(latencies);
  g.ttftMs = percentiles(ttfts);
  return g;
}

export function groupKey(row: UsageRow, by: UsageGroupBy, utcOffsetMinutes: number): string {
  switch (by) {
    case 'day':
      return dayKey(row.startedAt, utcOffsetMinutes);
    case 'hour':
      return hourKey(row.startedAt, utcOffsetMinutes);
    case 'month':
      return monthKey(row.startedAt, utcOffsetMinutes);
    case 'feature':
      return row.feature;
    case 'model':
      return row.model ?? '(none)';
    case 'provider':
      return row.provider ?? '(none)';
  }
}

/** Groups in key order for time (oldest first), by cost for the rest (most expensive first). */
export function groupRows(rows: readonly UsageRow[], by: UsageGroupBy, utcOffsetMinutes: number): UsageGroup[] {
  const buckets = new Map<string, UsageRow[]>();
  for (const r of rows) {
    const key = groupKey(r, by, utcOffsetMinutes);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = []));
    bucket.push(r);
  }
  const groups = [...buckets].map(([key, bucket]) => summarizeRows(key, bucket));
  if (by === 'day' || by === 'hour' || by === 'month') return groups.sort((a, b) => a.key.localeCompare(b.key));
  return groups.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.key.localeCompare(b.key));
}

export function countErrors(rows: readonly UsageRow[]): {
  byCode: Record<string, number>;
  byStatus: Record<string, number>;
} {
  const byCode: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const r of rows) {
    if (!isError(r)) continue;
    byCode[r.errorCode!] = (byCode[r.errorCode!] ?? 0) + 1;
    const status = r.httpStatus === null ? 'none' : String(r.httpStatus);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  return { byCode, byStatus };
}

/** Sums of many small floats drift; a micro-dollar is finer than any price. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
