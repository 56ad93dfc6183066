import type { UsageBreakdownCell, UsageFilters } from '../../protocol/usage';
import { groupSums, SUM_AT, type PackedGroup } from './rollupAggregate';
import { roundUsd } from './usageGroups';
import type { SqliteDb } from './sqlite';

/**
 * The panel's cells (day × provider × model × feature), summed in SQLite over the rollups:
 * a year of requests is a few thousand cells, never the rows themselves. Each cell is made
 * straight from its group's element (keys, then sums: rollupAggregate.ts PackedGroup), the one
 * object it needs: 90 days are about 1,800 cells, and the daemon's heap held the garbage of
 * every object made on the way until its next full collection.
 */
export async function breakdownFromRollups(
  db: SqliteDb,
  range: { since: number; until: number; filters?: UsageFilters },
  utcOffsetMinutes: number,
  grain: 'day' | 'hour' = 'day',
): Promise<UsageBreakdownCell[]> {
  const groups = await groupSums(db, { ...range, groupBy: [grain, 'provider', 'model', 'feature'], utcOffsetMinutes });
  const cells = new Array<UsageBreakdownCell>(groups.length);
  // The four keys, then the sums (SUM_AT's offsets past them).
  const sum = (g: PackedGroup, field: keyof typeof SUM_AT): number => g[4 + SUM_AT[field]] as number;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const time = String(g[0]);
    cells[i] = {
      day: time.slice(0, 10),
      ...(grain === 'hour' ? { hour: time } : {}),
      provider: String(g[1]),
      model: String(g[2]),
      feature: String(g[3]),
      requests: sum(g, 'requests'),
      errors: sum(g, 'errors'),
      inputTokens: sum(g, 'inputTokens'),
      outputTokens: sum(g, 'outputTokens'),
      costUsd: roundUsd(sum(g, 'costUsd')),
      cacheHits: sum(g, 'cacheHits'),
      cacheSavedUsd: roundUsd(sum(g, 'cacheSavedUsd')),
    };
  }
  return cells.sort((a, b) => (a.hour ?? a.day).localeCompare(b.hour ?? b.day));
}
