import type { UsageRow } from '../../protocol/usage';
import type { AlertThresholds } from './alertThresholds';
import { localUtcOffsetMinutes, startOfDay, dayKey } from './calendarKey';
import { cacheCounts, dailyCosts, selectRecentRows } from './ledgerQueries';
import type { UsageLedger } from './usageLedger';

const DAY = 86_400_000;

/** Everything the rules look at, gathered in one place so the rules themselves stay pure. */
export interface AlertSnapshot {
  /** Requests of the recent past, covering the longest short window of the rules. */
  recent: readonly UsageRow[];
  /** Null when the ledger could not be read. */
  cost: {
    today: number;
    /** Cost of each earlier day in the baseline that had any requests. */
    baselineDays: number[];
  } | null;
  /** Requests and cache hits over the baseline period before the recent window; null when unknown. */
  cacheBaseline: { requests: number; hits: number } | null;
  /**
   * How long the rate limiter has been queueing without a break, or null. A hook: the
   * rate-limit issue provides the figure; until then it is always null.
   */
  queueingForMs: number | null;
  /** Rate-limiter attempts over `rateLimit.pressureWindowMs`, and how many waited or got a 429; null without a limiter. */
  limitPressure?: { requests: number; limited: number } | null;
  /** The ledger's degraded message, when it is not recording. */
  ledgerDegraded: string | null;
}

export interface SnapshotSources {
  ledger: UsageLedger;
  queueingForMs?: () => number | null;
  limitPressure?: (windowMs: number) => { requests: number; limited: number };
  utcOffsetMinutes?: number;
}

export async function buildAlertSnapshot(
  src: SnapshotSources,
  t: AlertThresholds,
  now: number,
): Promise<AlertSnapshot> {
  const { ledger } = src;
  const offset = src.utcOffsetMinutes ?? localUtcOffsetMinutes(now);
  const recentMs = Math.max(t.errorRate.windowMs, t.latencyP95.windowMs, t.rateLimit.windowMs, t.cacheHitDrop.windowMs);
  return {
    recent: await recentRows(ledger, recentMs, now),
    cost: await orNull(() => costs(ledger, t.costSpike.baselineDays, offset, now)),
    cacheBaseline: await orNull(() =>
      cacheCounts(ledger.reader(), {
        since: now - t.cacheHitDrop.baselineDays * DAY,
        until: now - t.cacheHitDrop.windowMs,
      }),
    ),
    queueingForMs: src.queueingForMs?.() ?? null,
    limitPressure: src.limitPressure?.(t.rateLimit.pressureWindowMs) ?? null,
    ledgerDegraded: ledger.status().degraded,
  };
}

/**
 * From memory when the live window reaches back far enough: it also holds unrecorded requests.
 * A longer window reads at most the live window's count of the most recent rows.
 */
async function recentRows(ledger: UsageLedger, windowMs: number, now: number): Promise<UsageRow[]> {
  if (windowMs <= ledger.live.horizonMs) return ledger.live.since(windowMs, now);
  const read = () => selectRecentRows(ledger.reader(), { since: now - windowMs, until: now + 1 }, ledger.live.maxRows);
  return (await orNull(read)) ?? ledger.live.since(windowMs, now);
}

async function costs(
  ledger: UsageLedger,
  baselineDays: number,
  offset: number,
  now: number,
): Promise<NonNullable<AlertSnapshot['cost']>> {
  const today = startOfDay(now, offset);
  const byDay = await dailyCosts(ledger.reader(), { since: today - baselineDays * DAY, until: now + 1 }, offset);
  const todayKey = dayKey(now, offset);
  return {
    today: byDay.get(todayKey) ?? 0,
    baselineDays: [...byDay].filter(([day]) => day !== todayKey).map(([, cost]) => cost),
  };
}

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch {
    return null;
  }
}
