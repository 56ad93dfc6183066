import type { Priority, ProviderId, RateLimitStatus } from '../../protocol';
import { systemTimers, type Timers } from '../resilience/timers';
import { pastDeadlineError, queueFullError, tooLargeError } from './limitError';
import type { LimitPressure } from './limitPressure';
import { parseRateLimitHeaders, type BucketKind, type RateLimitReport } from './rateLimitHeaders';
import type { ProviderLimits } from './tierPresets';
import { TokenBucket } from './tokenBucket';
import { WaitQueue } from './waitQueue';

/** Tokens of one request: estimated before it is sent, or really used after. */
export interface TokenCount {
  input: number;
  output: number;
}

interface Slot {
  kind: BucketKind;
  bucket: TokenBucket;
  units(t: TokenCount): number;
}

interface Pending {
  tokens: TokenCount;
  enqueuedAt: number;
  signal: AbortSignal;
  onAbort: () => void;
  resolve(permit: Permit): void;
  reject(err: unknown): void;
}

interface Entry {
  priority: Priority;
  item: Pending;
}

export interface AcquireOptions {
  priority: Priority;
  /** The attempt's signal: aborting it takes the request out of the queue at once. */
  signal: AbortSignal;
  /** The request's deadline on this limiter's clock; a wait past it fails at once. */
  deadlineAt?: number;
}

export interface ProviderLimiterOptions {
  provider: ProviderId;
  keyId: string;
  tier: string;
  limits: ProviderLimits;
  margin: number;
  maxQueue: number;
  now?: () => number;
  timers?: Timers;
  pressure?: LimitPressure;
  /** The length of the providers' minute (tests scale it). */
  windowMs?: number;
  /** Every response's rate-limit headers, parsed, for the limits the key really has (see learnedLimits.ts). */
  onObserve?: (report: RateLimitReport) => void;
}

/** What a failed call tells the limiter. */
export interface FailureReport {
  /** HTTP status; absent when no response came (network, timeout, a broken stream). */
  status?: number;
  headers: Record<string, string>;
  /** Set for a rate-limit 429 with a retry hint: the whole limiter pauses this long. */
  pauseMs?: number;
}

/**
 * The capacity one request holds while it is sent. Exactly one of `settle` and `fail` counts;
 * later calls are ignored, so every path that ends an attempt can call one safely.
 */
export class Permit {
  private done = false;

  constructor(
    private readonly limiter: ProviderLimiter,
    readonly estimate: TokenCount,
    /** How long it waited in the queue; 0 on the fast path. */
    readonly waitedMs: number,
  ) {}

  /** The call succeeded: charge what it really used, refund the rest, read the headers. */
  settle(used: TokenCount | undefined, headers: Record<string, string>): void {
    if (this.done) return;
    this.done = true;
    this.limiter.settled(this, used, headers);
  }

  fail(report: FailureReport): void {
    if (this.done) return;
    this.done = true;
    this.limiter.failed(this, report);
  }
}

/**
 * One provider and key: its buckets (requests, and tokens as that provider counts them), the
 * queue of requests waiting for capacity, and the pause after a 429. `tryAcquire` is the fast
 * path: synchronous arithmetic, no timer, no promise. Only a request that does not fit queues,
 * and only then does a timer run, one per limiter, set for when the head of the queue fits.
 */
export class ProviderLimiter {
  readonly provider: ProviderId;
  readonly keyId: string;
  private readonly slots: Slot[];
  private readonly queue = new WaitQueue<Entry>();
  private readonly now: () => number;
  private readonly timers: Timers;
  private pausedUntil = 0;
  private timer: unknown;
  private queueingSince: number | null = null;

  constructor(private readonly opts: ProviderLimiterOptions) {
    this.provider = opts.provider;
    this.keyId = opts.keyId;
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? systemTimers;
    this.slots = slotsFor(opts.provider, opts.limits, opts.margin, this.now(), opts.windowMs);
  }

  /** Capacity now, or undefined: then call `acquire` to wait for it. Never queues, never waits. */
  tryAcquire(estimate: TokenCount, priority: Priority): Permit | undefined {
    const now = this.now();
    if (now < this.pausedUntil || this.queue.hasAheadOf(priority)) return undefined;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (!s.bucket.fits(s.units(estimate), now)) return undefined;
    }
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      s.bucket.take(s.units(estimate), now);
    }
    this.opts.pressure?.count(now, false);
    return new Permit(this, estimate, 0);
  }

  /**
   * Fails at once when the request is larger than a whole minute's allowance (`too_large`), the
   * queue is full (`queue_full`), or its turn would come after its deadline (`rate_limited`).
   * Otherwise it waits in the queue, by priority, until it fits.
   */
  acquire(estimate: TokenCount, opts: AcquireOptions): Promise<Permit> {
    const now = this.now();
    this.assertCanEverFit(estimate);
    const waitMs = this.estimateWait(estimate, opts.priority, now);
    if (this.queue.length >= this.opts.maxQueue) throw queueFullError(this.provider, this.queue.length, waitMs, now);
    if (opts.deadlineAt !== undefined && now + waitMs > opts.deadlineAt) {
      throw pastDeadlineError(this.provider, waitMs, opts.deadlineAt - now, now);
    }
    if (opts.signal.aborted) return Promise.reject(opts.signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const entry: Entry = {
        priority: opts.priority,
        item: {
          tokens: estimate,
          enqueuedAt: now,
          signal: opts.signal,
          resolve,
          reject,
          onAbort: () => {
            if (!this.queue.remove(entry)) return;
            reject(opts.signal.reason);
            this.afterQueueChange(this.now());
          },
        },
      };
      opts.signal.addEventListener('abort', entry.item.onAbort, { once: true });
      this.queue.push(entry);
      this.opts.pressure?.count(now, true);
      this.drain();
    });
  }

  /** Throws `too_large` when the request could never fit, whatever the wait. */
  assertCanEverFit(estimate: TokenCount): void {
    for (const s of this.slots) {
      const units = s.units(estimate);
      if (units > s.bucket.maxRequest) {
        throw tooLargeError(
          this.provider,
          s.kind,
          units,
          s.bucket.maxRequest,
          `an estimated ${estimate.input.toLocaleString('en-US')} prompt tokens and max_tokens ${estimate.output.toLocaleString('en-US')}`,
        );
      }
    }
  }

  /** The headers of every response, success or error, tighten the buckets. */
  observe(headers: Record<string, string>, now: number = this.now()): void {
    const report = parseRateLimitHeaders(headers, now);
    for (const s of this.slots) {
      const r = report[s.kind];
      if (r) s.bucket.observe(r, now);
    }
    // Parsed once for both: the buckets, then the learned limits (it was parsed twice a response).
    this.opts.onObserve?.(report);
  }

  /**
   * A 429 without a requests level (Gemini sends no rate-limit headers) says the provider's
   * bucket held less than one request when it arrived, and its retry delay says when it holds
   * one. Ours may be ahead: a burst that reached the provider later than it left here banked
   * refill the provider's full bucket could not. Ours is lowered to reach one unit when the pause
   * ends (empty without a delay), so the two refill in step, instead of spending that lead after
   * the pause and earning a second 429. The token buckets are left alone (a 429 for tokens would
   * otherwise hold them up to a minute).
   */
  private stepWithProvider(report: FailureReport, now: number): void {
    if (parseRateLimitHeaders(report.headers, now).requests?.remaining !== undefined) return;
    for (const s of this.slots) {
      if (s.kind !== 'requests') continue;
      if (report.pauseMs !== undefined && report.pauseMs > 0) s.bucket.nextUnitAt(now + report.pauseMs, now);
      else s.bucket.observe({ remaining: 0 }, now);
    }
  }

  /** Nothing is sent before `until`: every client of this daemon backs off together. */
  pause(until: number): void {
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.afterQueueChange(this.now());
  }

  status(): RateLimitStatus {
    const now = this.now();
    return {
      provider: this.provider,
      keyId: this.keyId,
      tier: this.opts.tier,
      buckets: this.slots.map((s) => ({ kind: s.kind, ...s.bucket.snapshot(now) })),
      queued: { interactive: this.queue.count('interactive'), background: this.queue.count('background') },
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
    };
  }

  /** How long requests have been waiting here without a break; null when none waits. */
  queueingForMs(now: number = this.now()): number | null {
    return this.queueingSince === null ? null : now - this.queueingSince;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** @internal Permit.settle */
  settled(permit: Permit, used: TokenCount | undefined, headers: Record<string, string>): void {
    const now = this.now();
    if (used) {
      for (const s of this.slots) {
        const diff = s.units(permit.estimate) - s.units(used);
        if (diff > 0) s.bucket.refund(diff, now);
        else if (diff < 0) s.bucket.take(-diff, now);
      }
    }
    this.observe(headers, now);
    if (this.queue.length > 0) this.drain();
  }

  /** @internal Permit.fail */
  failed(permit: Permit, report: FailureReport): void {
    const now = this.now();
    // An error answer processed no tokens; without an answer (a cut stream) assume it did.
    if (report.status !== undefined) {
      for (const s of this.slots) if (s.kind !== 'requests') s.bucket.refund(s.units(permit.estimate), now);
    }
    this.observe(report.headers, now);
    if (report.status === 429) this.stepWithProvider(report, now);
    if (report.status === 429 && permit.waitedMs === 0) this.opts.pressure?.rateLimited(now);
    if (report.pauseMs !== undefined && report.pauseMs > 0) this.pause(now + report.pauseMs);
    else if (this.queue.length > 0) this.drain();
  }

  /** The time until a new request of this priority would be served, behind everyone ahead. */
  private estimateWait(estimate: TokenCount, priority: Priority, now: number): number {
    let ms = Math.max(0, this.pausedUntil - now);
    const ahead = this.queue.ahead(priority);
    for (const s of this.slots) {
      let units = s.units(estimate);
      for (const e of ahead) units += s.units(e.item.tokens);
      ms = Math.max(ms, s.bucket.msToAccumulate(units, now));
    }
    return ms;
  }

  /** Serves the head of the queue while it fits; then sets the one timer for the next. */
  private drain(): void {
    const now = this.now();
    for (let head = this.queue.peek(); head && now >= this.pausedUntil; head = this.queue.peek()) {
      const { item } = head;
      let fits = true;
      try {
        this.assertCanEverFit(item.tokens);
      } catch (err) {
        // The provider lowered the limit under a request that was waiting.
        this.queue.remove(head);
        item.signal.removeEventListener('abort', item.onAbort);
        item.reject(err);
        continue;
      }
      for (const s of this.slots) if (!s.bucket.fitsWithin(s.units(item.tokens), EARLY_MS, now)) fits = false;
      if (!fits) break;
      this.queue.shift();
      for (const s of this.slots) s.bucket.take(s.units(item.tokens), now);
      item.signal.removeEventListener('abort', item.onAbort);
      item.resolve(new Permit(this, item.tokens, now - item.enqueuedAt));
    }
    this.afterQueueChange(now);
  }

  private afterQueueChange(now: number): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const head = this.queue.peek();
    if (!head) {
      this.queueingSince = null;
      return;
    }
    this.queueingSince ??= now;
    let ms = Math.max(0, this.pausedUntil - now);
    for (const s of this.slots) ms = Math.max(ms, s.bucket.msUntil(s.units(head.item.tokens), now));
    if (!Number.isFinite(ms)) ms = 0; // drain rejects it
    const handle = this.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.drain();
      },
      Math.max(1, Math.floor(ms - EARLY_MS)),
    );
    (handle as { unref?: () => void }).unref?.();
    this.timer = handle;
  }
}

/**
 * A waiter's timer fires this much early and may be served that much early. Timers fire late by a
 * millisecond or two, and a bucket of burst 1 cannot bank the lateness, so without this every
 * late timer would be throughput lost for good; serving 5 ms early only borrows from the next.
 */
const EARLY_MS = 5;

function slotsFor(
  provider: ProviderId,
  limits: ProviderLimits,
  margin: number,
  now: number,
  windowMs?: number,
): Slot[] {
  const slots: Slot[] = [];
  const bucket = (limit: number, burst: number) => new TokenBucket(limit, burst, margin, now, windowMs);
  if (limits.rpm !== undefined)
    slots.push({ kind: 'requests', bucket: bucket(limits.rpm, limits.burst ?? limits.rpm), units: () => 1 });
  // A token bucket holds a whole minute's allowance: a request up to the limit must fit.
  if (limits.itpm !== undefined)
    slots.push({ kind: 'input_tokens', bucket: bucket(limits.itpm, limits.itpm), units: (t) => t.input });
  if (limits.otpm !== undefined)
    slots.push({ kind: 'output_tokens', bucket: bucket(limits.otpm, limits.otpm), units: (t) => t.output });
  if (limits.tpm !== undefined) {
    // Gemini's published TPM counts input tokens; OpenAI's counts input and output together.
    const units = provider === 'gemini' ? (t: TokenCount) => t.input : (t: TokenCount) => t.input + t.output;
    slots.push({ kind: 'tokens', bucket: bucket(limits.tpm, limits.tpm), units });
  }
  return slots;
}
