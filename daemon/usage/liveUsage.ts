import type { UsageLiveResult } from '../../protocol/usage';
import { summarizeRows } from './usageGroups';
import type { UsageLedger } from './usageLedger';

const LIVE_WINDOWS_MS = [5 * 60_000, 15 * 60_000, 60 * 60_000];

/** `usage/live`: the last 5, 15 and 60 minutes from memory, with no disk read. */
export function liveUsage(ledger: UsageLedger, now: number): UsageLiveResult {
  return {
    windows: LIVE_WINDOWS_MS.map((windowMs) => {
      const g = summarizeRows('live', ledger.live.since(windowMs, now));
      return {
        windowMs,
        requests: g.requests,
        errors: g.errors,
        costUsd: g.costUsd,
        latencyMs: g.latencyMs,
        ttftMs: g.ttftMs,
      };
    }),
    ledger: ledger.status(),
  };
}
