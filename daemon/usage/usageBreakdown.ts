import type { UsageBreakdownCell, UsageFilters } from '../../protocol/usage';
import { aggregateUsage } from './rollupAggregate';
import { roundUsd } from './usageGroups';
import type { SqliteDb } from './sqlite';

/**
 * The panel's cells (day × provider × model × feature), summed in SQLite over the rollups:
 * a year of requests is a few thousand cells, never the rows themselves.
 */
export async function breakdownFromRollups(
  db: SqliteDb,
  range: { since: number; until: number; filters?: UsageFilters },
  utcOffsetMinutes: number,
  grain: 'day' | 'hour' = 'day',
): Promise<UsageBreakdownCell[]> {
  const { groups } = await aggregateUsage(db, {
    ...range,
    groupBy: [grain, 'provider', 'model', 'feature'],
    utcOffsetMinutes,
    sketches: false,
  });
  return [...groups.values()]
    .map((g) => ({
      day: g.keys[0]!.slice(0, 10),
      ...(grain === 'hour' ? { hour: g.keys[0]! } : {}),
      provider: g.keys[1]!,
      model: g.keys[2]!,
      feature: g.keys[3]!,
      requests: g.requests,
      errors: g.errors,
      inputTokens: g.inputTokens,
      outputTokens: g.outputTokens,
      costUsd: roundUsd(g.costUsd),
      cacheHits: g.cacheHits,
      cacheSavedUsd: roundUsd(g.cacheSavedUsd),
    }))
    .sort((a, b) => (a.hour ?? a.day).localeCompare(b.hour ?? b.day));
}
