import type { WireProvider } from './script';

/**
 * A provider's rate limit as Anthropic and OpenAI document it: a token bucket holding `limit`
 * units at most, refilled continuously at `limit` per `windowMs` (a minute, or less when a test
 * scales time), so capacity comes back a little at a time rather than all at a window's end.
 * A request that does not fit is refused whole with a 429 and a `retry-after` for when it will.
 *
 * Every answer carries the provider's own headers for the buckets it keeps:
 * - Anthropic: `anthropic-ratelimit-{requests,input-tokens,output-tokens}-{limit,remaining,reset}`,
 *   the reset an RFC 3339 time at which the bucket is full again;
 * - OpenAI: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, the reset a duration until
 *   the bucket is back to its full state (`20ms`, `1.5s`, `6m0s`);
 * - Gemini: none (its 429 says when to retry in `RetryInfo`).
 */
export interface BucketLimit {
  limit: number;
  windowMs: number;
}

export interface BucketLimits {
  requests?: BucketLimit;
  /** Input and output together (OpenAI's TPM). */
  tokens?: BucketLimit;
  /** Anthropic's ITPM. */
  input_tokens?: BucketLimit;
  /** Anthropic's OTPM. */
  output_tokens?: BucketLimit;
}

type Kind = keyof BucketLimits;

export type BucketVerdict = { ok: true } | { ok: false; which: Kind; retryAfterMs: number };

class Bucket {
  private level: number;
  private at: number;

  constructor(
    readonly limit: BucketLimit,
    now: number,
  ) {
    this.level = limit.limit;
    this.at = now;
  }

  levelAt(now: number): number {
    if (now > this.at) {
      this.level = Math.min(this.limit.limit, this.level + ((now - this.at) * this.limit.limit) / this.limit.windowMs);
      this.at = now;
    }
    return this.level;
  }

  msUntil(units: number, now: number): number {
    return Math.max(0, ((units - this.levelAt(now)) * this.limit.windowMs) / this.limit.limit);
  }

  take(units: number, now: number): void {
    this.level = this.levelAt(now) - units;
  }

  /** When the bucket is full again (epoch ms). */
  fullAt(now: number): number {
    return now + this.msUntil(this.limit.limit, now);
  }
}

export class ProviderBuckets {
  /** Accepted requests: when they arrived, with the requests bucket's level just after. */
  readonly accepted: Array<{ at: number; tokens: number; levelAfter: number }> = [];
  /** Arrival times of the requests answered 429. */
  readonly rejected: number[] = [];
  private readonly buckets = new Map<Kind, Bucket>();

  constructor(
    readonly provider: WireProvider,
    limits: BucketLimits,
    now: number = Date.now(),
  ) {
    for (const [kind, limit] of Object.entries(limits) as Array<[Kind, BucketLimit | undefined]>) {
      if (limit) this.buckets.set(kind, new Bucket(limit, now));
    }
  }

  check(at: number, usage: { input: number; output: number }): BucketVerdict {
    const need: Record<Kind, number> = {
      requests: 1,
      tokens: usage.input + usage.output,
      input_tokens: usage.input,
      output_tokens: usage.output,
    };
    for (const [kind, bucket] of this.buckets) {
      const wait = bucket.msUntil(need[kind], at);
      if (wait > 0) {
        this.rejected.push(at);
        return { ok: false, which: kind, retryAfterMs: Math.max(1, Math.ceil(wait)) };
      }
    }
    for (const [kind, bucket] of this.buckets) bucket.take(need[kind], at);
    this.accepted.push({ at, tokens: need.tokens, levelAfter: this.buckets.get('requests')?.levelAt(at) ?? 0 });
    return { ok: true };
  }

  /** A bucket's level now (requests when `kind` is absent). */
  level(kind: Kind = 'requests', at: number = Date.now()): number {
    return this.buckets.get(kind)?.levelAt(at) ?? 0;
  }

  /** The rate-limit headers this provider sends with every answer, success or 429. */
  headers(at: number): Record<string, string> {
    const out: Record<string, string> = {};
    const anthropic = this.provider === 'anthropic' || this.provider === 'vertexAnthropic';
    const openai = this.provider === 'openai' || this.provider === 'azure';
    for (const [kind, bucket] of this.buckets) {
      const remaining = String(Math.max(0, Math.floor(bucket.levelAt(at))));
      const fullAt = bucket.fullAt(at);
      if (anthropic) {
        const name = kind.replace('_', '-');
        out[`anthropic-ratelimit-${name}-limit`] = String(bucket.limit.limit);
        out[`anthropic-ratelimit-${name}-remaining`] = remaining;
        out[`anthropic-ratelimit-${name}-reset`] = new Date(Math.ceil(fullAt)).toISOString();
      } else if (openai && (kind === 'requests' || kind === 'tokens')) {
        out[`x-ratelimit-limit-${kind}`] = String(bucket.limit.limit);
        out[`x-ratelimit-remaining-${kind}`] = remaining;
        out[`x-ratelimit-reset-${kind}`] = goDuration(Math.ceil(fullAt - at));
      }
    }
    return out;
  }
}

/** A duration as OpenAI writes it: `20ms`, `1.5s`, `6m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms - minutes * 60_000) / 1000;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
