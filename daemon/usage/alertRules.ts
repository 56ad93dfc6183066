import type { Alert, AlertKind, UsageRow } from '../../protocol/usage';
import type { AlertSnapshot } from './alertSnapshot';
import type { AlertThresholds } from './alertThresholds';
import { nearestRank } from './percentiles';
import { isCacheHit, isError } from './usageGroups';

/** A condition that holds now; the AlertManager turns it into an Alert with a history. */
export type FiringAlert = Pick<Alert, 'id' | 'kind' | 'severity' | 'message' | 'value' | 'threshold'>;

/** The rules: pure, so a test can hand them any ledger it likes and any `now`. */
export function evaluateAlerts(s: AlertSnapshot, t: AlertThresholds, now: number): FiringAlert[] {
  const out: FiringAlert[] = [];
  const within = (ms: number) => s.recent.filter((r) => r.startedAt >= now - ms && r.startedAt <= now);

  if (s.ledgerDegraded) {
    out.push(fire('ledger_degraded', 'critical', `Usage ledger: ${s.ledgerDegraded}.`, 1, 0));
  }

  if (t.errorRate.enabled) {
    const rows = within(t.errorRate.windowMs);
    const errors = rows.filter(isError);
    const rate = rows.length > 0 ? errors.length / rows.length : 0;
    if (rows.length >= t.errorRate.minRequests && rate > t.errorRate.rate) {
      out.push(
        fire(
          'error_rate',
          rate > 2 * t.errorRate.rate ? 'critical' : 'warning',
          `${pct(rate)} of requests failed in the last ${mins(t.errorRate.windowMs)} (${errors.length} of ${rows.length}; ${topCodes(errors)}).`,
          rate,
          t.errorRate.rate,
        ),
      );
    }
  }

  if (t.latencyP95.enabled) {
    const ok = within(t.latencyP95.windowMs).filter((r) => !isError(r));
    const p95 = nearestRank(
      ok.map((r) => r.latencyMs).sort((a, b) => a - b),
      95,
    );
    if (ok.length >= t.latencyP95.minRequests && p95 !== null && p95 > t.latencyP95.thresholdMs) {
      out.push(
        fire(
          'latency_p95',
          'warning',
          `p95 latency is ${secs(p95)} over the last ${mins(t.latencyP95.windowMs)} (threshold ${secs(t.latencyP95.thresholdMs)}; ${ok.length} requests).`,
          p95,
          t.latencyP95.thresholdMs,
        ),
      );
    }
  }

  if (t.costSpike.enabled && s.cost && s.cost.baselineDays.length > 0) {
    const average = s.cost.baselineDays.reduce((a, b) => a + b, 0) / s.cost.baselineDays.length;
    const limit = average * t.costSpike.ratio;
    if (average > 0 && s.cost.today >= t.costSpike.minTodayUsd && s.cost.today > limit) {
      out.push(
        fire(
          'cost_spike',
          'warning',
          `Today's cost is $${s.cost.today.toFixed(2)}, ${pct(s.cost.today / average - 1)} above the daily average of $${average.toFixed(2)} over the last ${s.cost.baselineDays.length} active day(s).`,
          s.cost.today,
          limit,
        ),
      );
    }
  }

  if (t.rateLimit.enabled) {
    const limited = within(t.rateLimit.windowMs).filter((r) => r.errorCode === 'rate_limited');
    if (limited.length >= t.rateLimit.minRateLimited) {
      out.push(
        fire(
          'rate_limited',
          'warning',
          `${limited.length} request(s) ended rate-limited (429) in the last ${mins(t.rateLimit.windowMs)}${byProvider(limited)}.`,
          limited.length,
          t.rateLimit.minRateLimited,
        ),
      );
    }
    if (s.queueingForMs !== null && s.queueingForMs >= t.rateLimit.sustainedQueueMs) {
      out.push(
        fire(
          'queueing',
          'warning',
          `Requests have been queueing for the rate limit for ${secs(s.queueingForMs)} without a break.`,
          s.queueingForMs,
          t.rateLimit.sustainedQueueMs,
        ),
      );
    }
    const p = s.limitPressure;
    const share = p && p.requests > 0 ? p.limited / p.requests : 0;
    if (p && p.requests >= t.rateLimit.pressureMinRequests && share > t.rateLimit.pressureShare) {
      // Its own id: it can fire alongside the sustained-queueing alert above.
      out.push({
        ...fire(
          'queueing',
          'warning',
          `Consistently hitting rate limits: ${pct(share)} of requests in the last ${mins(t.rateLimit.pressureWindowMs)} waited for capacity or got a 429 (${p.limited} of ${p.requests}). A higher tier would help: raise it with the provider, then set rateLimit.tier in config.json.`,
          share,
          t.rateLimit.pressureShare,
        ),
        id: 'queueing_pressure',
      });
    }
  }

  if (t.cacheHitDrop.enabled && s.cacheBaseline) {
    const rows = within(t.cacheHitDrop.windowMs);
    const base = s.cacheBaseline;
    const baseRate = base.requests > 0 ? base.hits / base.requests : 0;
    const rate = rows.length > 0 ? rows.filter(isCacheHit).length / rows.length : 0;
    const floor = baseRate * t.cacheHitDrop.dropRatio;
    if (
      rows.length >= t.cacheHitDrop.minRequests &&
      base.requests >= t.cacheHitDrop.baselineMinRequests &&
      baseRate > 0 &&
      rate < floor
    ) {
      out.push(
        fire(
          'cache_hit_drop',
          'warning',
          `Cache hit rate fell to ${pct(rate)} over the last ${mins(t.cacheHitDrop.windowMs)}, from ${pct(baseRate)} over the previous ${t.cacheHitDrop.baselineDays} days.`,
          rate,
          floor,
        ),
      );
    }
  }
  return out;
}

function fire(
  kind: AlertKind,
  severity: FiringAlert['severity'],
  message: string,
  value: number,
  threshold: number,
): FiringAlert {
  // One alert per kind: the message names what is behind it; per-provider ids would flood.
  return { id: kind, kind, severity, message, value, threshold };
}

function topCodes(errors: readonly UsageRow[]): string {
  const counts = new Map<string, number>();
  for (const e of errors) counts.set(e.errorCode!, (counts.get(e.errorCode!) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
}

function byProvider(rows: readonly UsageRow[]): string {
  const providers = [...new Set(rows.map((r) => r.provider).filter((p) => p !== null))];
  return providers.length > 0 ? ` from ${providers.join(', ')}` : '';
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function mins(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`;
}
