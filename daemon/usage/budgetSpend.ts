import { dayKey, localUtcOffsetMinutes, monthKey, startOfDay } from './calendarKey';
import { startOfMonth, type SpendSeed } from './budgetTable';
import { aggregateUsage } from './rollupAggregate';
import type { SqliteDb } from './sqlite';

/**
 * What the ledger's rollups say was spent today and this month, per feature, before `until` (the
 * daemon's start: later requests are counted in memory as they settle). Read once at start.
 * A cache hit's cost_usd is 0 (its would-have-been cost is in cost_saved_usd), so it adds nothing.
 */
export async function readSpend(
  db: SqliteDb,
  until: number,
  utcOffsetMinutes: number = localUtcOffsetMinutes(until),
): Promise<SpendSeed> {
  const byFeature = async (since: number) => {
    const { groups } = await aggregateUsage(db, {
      since,
      until,
      groupBy: ['feature'],
      utcOffsetMinutes,
      sketches: false,
    });
    return new Map([...groups.values()].filter((g) => g.costUsd > 0).map((g) => [g.keys[0]!, g.costUsd]));
  };
  return {
    day: dayKey(until, utcOffsetMinutes),
    month: monthKey(until, utcOffsetMinutes),
    dayByFeature: await byFeature(startOfDay(until, utcOffsetMinutes)),
    monthByFeature: await byFeature(startOfMonth(until, utcOffsetMinutes)),
  };
}
