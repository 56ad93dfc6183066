/** Every limit Conduit knows is per minute, as the providers publish them. */
export const LIMIT_WINDOW_MS = 60_000;

/**
 * The length of the providers' "minute", normally 60 s. Tests shrink it (and their fake's minute
 * with it) to run a minute of traffic in seconds: a scaled clock both sides share.
 */
export function limitWindowMs(env: Record<string, string | undefined> = process.env): number {
  const raw = Number(env.CONDUIT_LIMIT_WINDOW_MS);
  return Number.isFinite(raw) && raw >= 100 ? raw : LIMIT_WINDOW_MS;
}

export interface BucketSnapshot {
  /** The limit per minute in force: the configured one, or less when the provider said so. */
  limit: number;
  /** Whole units available now; negative while a request that used more than estimated is paid off. */
  remaining: number;
  /** When the bucket will be full again (epoch ms); null when it is full. */
  fullAt: number | null;
}

/**
 * One token bucket: `capacity` units at most, refilled continuously at `limit × (1 − margin)`
 * per minute. Plain arithmetic on a caller-supplied clock, so the fast path costs no timer and
 * tests need no fake timers. Units may go negative: a request that used more than its estimate
 * is charged in full, and later requests wait for the debt to refill.
 *
 * The provider's buckets work the same way (Anthropic and OpenAI both document a bucket that
 * refills continuously, `remaining` being its level now and `reset` the moment it is full again),
 * so its headers map onto this one directly: they lower the level, never stop the refill.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private limit: number;
  private capacity: number;
  private ratePerMs: number;
  constructor(
    /** The configured limit per minute: adaptation only ever goes below it. */
    readonly configuredLimit: number,
    private readonly configuredBurst: number,
    private readonly margin: number,
    now: number,
    private readonly windowMs: number = LIMIT_WINDOW_MS,
  ) {
    this.limit = configuredLimit;
    this.capacity = Math.min(configuredBurst, configuredLimit);
    this.ratePerMs = (configuredLimit * (1 - margin)) / windowMs;
    this.tokens = this.capacity;
    this.updatedAt = now;
  }

  /** The most one request may ever take: asking for more can never succeed. */
  get maxRequest(): number {
    return this.capacity;
  }

  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  fits(units: number, now: number): boolean {
    this.refill(now);
    return this.tokens >= units;
  }

  /**
   * Whether `units` will be available within `earlyMs` from now (what a waiter's timer may use).
   * Only a bucket of burst 1 borrows: a larger one banks a late timer's lateness, and serving
   * early against a provider's continuous bucket would arrive before its token does.
   */
  fitsWithin(units: number, earlyMs: number, now: number): boolean {
    this.refill(now);
    const early = this.capacity < 2 ? earlyMs : 0;
    return this.tokens + early * this.ratePerMs >= units;
  }

  /** Takes `units` unconditionally (the caller checked `fits`, or is paying a correction). */
  take(units: number, now: number): void {
    this.refill(now);
    this.tokens -= units;
  }

  /** Gives back what an estimate took beyond the real use; never above the capacity. */
  refund(units: number, now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.capacity, this.tokens + units);
  }

  /** Milliseconds until `units` are available; Infinity when they never will be. */
  msUntil(units: number, now: number): number {
    this.refill(now);
    if (units > this.capacity) return Infinity;
    const deficit = units - this.tokens;
    if (deficit <= 0) return 0;
    return deficit / this.ratePerMs;
  }

  /**
   * Milliseconds until `units` more than now will have been refilled, ignoring the capacity:
   * how long a queue whose requests together need `units` takes to be served.
   */
  msToAccumulate(units: number, now: number): number {
    this.refill(now);
    const deficit = units - this.tokens;
    if (deficit <= 0) return 0;
    return deficit / this.ratePerMs;
  }

  /**
   * What the provider reported about its own bucket. It can only tighten ours: a lower limit
   * lowers the rate and capacity (never above the configured ones), and a lower level lowers what
   * is available. `remaining` is the provider's level rounded down; with `resetAt` (when its
   * bucket is full again, refilling at its limit per minute) the fraction is recovered, so a
   * bucket reported empty a moment before its next token is not treated as a whole token short.
   * The refill goes on from there; nothing waits for `resetAt`.
   */
  observe(report: { limit?: number; remaining?: number; resetAt?: number }, now: number): void {
    this.refill(now);
    if (report.limit !== undefined && report.limit > 0 && report.limit < this.limit) {
      this.limit = report.limit;
      this.capacity = Math.min(this.configuredBurst, report.limit);
      this.ratePerMs = (report.limit * (1 - this.margin)) / this.windowMs;
      this.tokens = Math.min(this.tokens, this.capacity);
    }
    if (report.remaining === undefined) return;
    const level = providerLevel(report.remaining, report.limit ?? this.limit, report.resetAt, now, this.windowMs);
    if (level < this.tokens) this.tokens = level;
  }

  /**
   * The provider said (a 429 with a retry delay and no level) that its next unit comes at `at`:
   * ours holds no more than what reaches one unit then, so the two refill in step from here.
   */
  nextUnitAt(at: number, now: number): void {
    this.refill(now);
    const level = Math.min(1, 1 - Math.max(0, at - now) * this.ratePerMs);
    if (level < this.tokens) this.tokens = Math.max(0, level);
  }

  snapshot(now: number): BucketSnapshot {
    this.refill(now);
    const missing = this.capacity - this.tokens;
    return {
      limit: this.limit,
      remaining: Math.floor(this.tokens),
      fullAt: missing <= 0 ? null : Math.round(now + missing / this.ratePerMs),
    };
  }

  private refill(now: number): void {
    if (now > this.updatedAt && this.tokens < this.capacity) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.ratePerMs);
    }
    if (now > this.updatedAt) this.updatedAt = now;
  }
}

/**
 * The provider's level now: `remaining` plus the fraction `resetAt` implies. A bucket refilling at
 * `limit` per window is full at `resetAt`, so it holds `limit − (resetAt − now) × rate` now; the
 * answer stays within [remaining, remaining + 1), so a coarse or odd reset time can move it by
 * less than one unit.
 */
function providerLevel(
  remaining: number,
  limit: number,
  resetAt: number | undefined,
  now: number,
  windowMs: number,
): number {
  const floor = Math.max(0, remaining);
  if (resetAt === undefined) return floor;
  const implied = limit - (Math.max(0, resetAt - now) * limit) / windowMs;
  return Math.min(floor + 0.999, Math.max(floor, implied));
}
