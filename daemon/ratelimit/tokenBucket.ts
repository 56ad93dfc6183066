/** Every limit Conduit knows is per minute, as the providers publish them. */
export const LIMIT_WINDOW_MS = 60_000;

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
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private limit: number;
  private capacity: number;
  private ratePerMs: number;
  /** No refill before this time: the provider said its own bucket refills only then. */
  private holdUntil = 0;

  constructor(
    /** The configured limit per minute: adaptation only ever goes below it. */
    readonly configuredLimit: number,
    private readonly configuredBurst: number,
    private readonly margin: number,
    now: number,
  ) {
    this.limit = configuredLimit;
    this.capacity = Math.min(configuredBurst, configuredLimit);
    this.ratePerMs = (configuredLimit * (1 - margin)) / LIMIT_WINDOW_MS;
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

  /** Whether `units` will be available within `earlyMs` from now (what a waiter's timer may use). */
  fitsWithin(units: number, earlyMs: number, now: number): boolean {
    this.refill(now);
    return now >= this.holdUntil && this.tokens + earlyMs * this.ratePerMs >= units;
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
    const start = Math.max(now, this.holdUntil);
    return start - now + deficit / this.ratePerMs;
  }

  /**
   * Milliseconds until `units` more than now will have been refilled, ignoring the capacity:
   * how long a queue whose requests together need `units` takes to be served.
   */
  msToAccumulate(units: number, now: number): number {
    this.refill(now);
    const deficit = units - this.tokens;
    if (deficit <= 0) return 0;
    return Math.max(now, this.holdUntil) - now + deficit / this.ratePerMs;
  }

  /**
   * What the provider reported about its own bucket. It can only tighten ours: a lower limit
   * lowers the rate and capacity (never above the configured ones), a lower `remaining` lowers
   * what is available, and nothing left with a reset time holds the refill until then.
   */
  observe(report: { limit?: number; remaining?: number; resetAt?: number }, now: number): void {
    this.refill(now);
    if (report.limit !== undefined && report.limit > 0 && report.limit < this.limit) {
      this.limit = report.limit;
      this.capacity = Math.min(this.configuredBurst, report.limit);
      this.ratePerMs = (report.limit * (1 - this.margin)) / LIMIT_WINDOW_MS;
      this.tokens = Math.min(this.tokens, this.capacity);
    }
    if (report.remaining !== undefined && report.remaining < this.tokens) {
      this.tokens = Math.max(0, report.remaining);
    }
    if (report.remaining !== undefined && report.remaining <= 0 && report.resetAt !== undefined && report.resetAt > now) {
      this.holdUntil = Math.max(this.holdUntil, report.resetAt);
    }
  }

  snapshot(now: number): BucketSnapshot {
    this.refill(now);
    const missing = this.capacity - this.tokens;
    return {
      limit: this.limit,
      remaining: Math.floor(this.tokens),
      fullAt: missing <= 0 ? null : Math.round(Math.max(now, this.holdUntil) + missing / this.ratePerMs),
    };
  }

  private refill(now: number): void {
    const from = Math.max(this.updatedAt, this.holdUntil);
    if (now > from && this.tokens < this.capacity) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - from) * this.ratePerMs);
    }
    if (now > this.updatedAt) this.updatedAt = now;
  }
}
