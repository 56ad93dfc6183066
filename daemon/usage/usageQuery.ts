import type { UsageGroup, UsageQueryParams, UsageQueryResult } from '../../protocol/usage';
import { localUtcOffsetMinutes } from './calendarKey';
import { aggregateUsage, totalOf, type Aggregate } from './rollupAggregate';
import { roundUsd } from './usageGroups';
import type { UsageLedger } from './usageLedger';

/**
 * `usage/query`: counted and summed in SQLite over the hourly and daily rollups (and the raw
 * rows at sub-hour edges); percentiles come from merged sketches, within 1% of exact
 * (latencySketch.ts). Memory does not grow with the range (docs/usage-at-scale.md).
 */
export async function queryUsage(
  ledger: UsageLedger,
  params: UsageQueryParams,
  now: number,
): Promise<UsageQueryResult> {
  const until = params.until ?? now + 1;
  const groupBy = params.groupBy ?? 'day';
  const offset = params.utcOffsetMinutes ?? localUtcOffsetMinutes(now);
  await ledger.settled();
  const result = await aggregateUsage(ledger.reader(), {
    since: params.since,
    until,
    groupBy: [groupBy],
    utcOffsetMinutes: offset,
    sketches: true,
    ...(params.filters ? { filters: params.filters } : {}),
  });
  const aggregates = [...result.groups.values()];
  const groups = aggregates.map((a) => toUsageGroup(a.keys[0]!, a));
  if (groupBy === 'day' || groupBy === 'hour' || groupBy === 'month') groups.sort((a, b) => a.key.localeCompare(b.key));
  else groups.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.key.localeCompare(b.key));
  const total = totalOf(aggregates);
  return {
    since: params.since,
    until,
    groupBy,
    groups,
    total: toUsageGroup('total', total),
    errorsByCode: Object.fromEntries(total.errorsByCode),
    errorsByStatus: Object.fromEntries(total.errorsByStatus),
    ledger: ledger.status(),
    sources: {
      rawSince: result.rawSince > 0 ? result.rawSince : null,
      roundedToHour: result.roundedToHour,
      migrating: result.migrating,
    },
  };
}

export function toUsageGroup(key: string, a: Aggregate): UsageGroup {
  return {
    key,
    requests: a.requests,
    errors: a.errors,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    cacheReadTokens: a.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens,
    costUsd: roundUsd(a.costUsd),
    estimatedCostRequests: a.estimated,
    unpricedRequests: a.unpriced,
    cacheHits: a.cacheHits,
    cacheSavedUsd: roundUsd(a.cacheSavedUsd),
    latencyMs: a.latency.percentiles(),
    ttftMs: a.ttft.percentiles(),
  };
}
