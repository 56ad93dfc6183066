import { dayKey, localUtcOffsetMinutes, monthKey, startOfDay } from './calendarKey';
import { startOfMonth, type SpendSeed } from './budgetTable';
import type { SqliteDb } from './sqlite';

/**
 * What the ledger says was spent today and this month, per feature, before `until` (the
 * daemon's start: later requests are counted in memory as they settle). Read once at start.
 * A cache hit's cost_usd is 0 (its would-have-been cost is in cost_saved_usd), so it adds nothing.
 */
export async function readSpend(db: SqliteDb, until: number, utcOffsetMinutes: number = localUtcOffsetMinutes(until)): Promise<SpendSeed> {
  const byFeature = async (since: number) => {
    const rows = await db.all<{ feature: string; cost: number | null }>(
      'SELECT feature, SUM(cost_usd) AS cost FROM requests WHERE started_at >= ? AND started_at < ? GROUP BY feature',
      [since, until],
    );
    return new Map(rows.filter((r) => (r.cost ?? 0) > 0).map((r) => [r.feature, r.cost ?? 0]));
  };
  return {
    day: dayKey(until, utcOffsetMinutes),
    month: monthKey(until, utcOffsetMinutes),
    dayByFeature: await byFeature(startOfDay(until, utcOffsetMinutes)),
    monthByFeature: await byFeature(startOfMonth(until, utcOffsetMinutes)),
  };
}
