import type Redis from 'ioredis';
import { limitWindowMs } from '../ratelimit/tokenBucket';
import { systemTimers, type Timers } from '../resilience/timers';
import { TAKE_LUA } from './teamBucketScript';
import type { TeamConnection } from './teamConnection';

const TEAM_MARGIN = 0.05;
/** Keys of buckets nobody used for a day go. */
const IDLE_TTL_MS = 86_400_000;

/** What the shared limiter needs of one provider and key. */
export interface SharedLimit {
  provider: string;
  /** A short hash of the key (never the key): daemons with the same key share one limiter. */
  keyId: string;
  /** The provider's requests per minute for the whole team. */
  rpm: number;
  /** Share left unused, as the local limiter's margin. */
  margin: number;
  /** Requests that may go at once from a full bucket: the provider's bucket size (rpm when absent). */
  burst?: number;
  /** Token limits per minute, shared the same way: Anthropic's input and output, or OpenAI's and Gemini's total. */
  itpm?: number;
  otpm?: number;
  tpm?: number;
  /** Gemini's TPM counts input tokens only; OpenAI's counts input and output. */
  tpmCountsOutput?: boolean;
}

/** The request's estimated tokens, for the token buckets. */
export interface SharedTokens {
  input: number;
  output: number;
}

interface TakeClient extends Redis {
  conduitTake(...args: Array<string | number>): Promise<number>;
}

interface Bucket {
  key: string;
  capacity: number;
  perMs: number;
  units: number;
}

/**
 * The team's rate limits per provider and key, kept in Redis as continuously refilled token
 * buckets (teamBucketScript.ts): an idle team may send a whole bucket (less the margin) at once,
 * as the provider allows, and under contention every daemon's requests take turns in the order
 * they asked, so each gets a fair share. Requests, and tokens where the provider limits them, are shared alike.
 * It sits behind the local token buckets, which stay the fast path; a request waits here only
 * for the team's turn.
 *
 * While Redis is away the call runs at once, under the local limits alone (which the team scales
 * down to this daemon's share).
 */
export class SharedLimiter {
  private defined = false;
  private readonly windowMs = limitWindowMs();

  constructor(
    private readonly team: TeamConnection,
    private readonly log?: (msg: string, fields: Record<string, unknown>) => void,
    /** Tests pass timers that record each wait for a turn, to see a call wait without sleeping. */
    private readonly timers: Timers = systemTimers,
  ) {}

  /** Whether the team's Redis answers (for tests and status). */
  get connected(): boolean {
    return this.team.up;
  }

  async run<T>(limit: SharedLimit, signal: AbortSignal, fn: () => Promise<T>, tokens?: SharedTokens): Promise<T> {
    if (!this.team.up || limit.rpm <= 0) return fn();
    if (signal.aborted) throw abortError(signal);
    const buckets = this.bucketsOf(limit, tokens);
    let waitMs: number;
    try {
      waitMs = await this.take(buckets);
    } catch (err) {
      this.log?.('team: shared rate limit unavailable; this request goes under the local limit', {
        err: err instanceof Error ? err.message : String(err),
      });
      return fn();
    }
    // The turn is ours from now on: waiting for it needs no further word with Redis. Should Redis
    // go away meanwhile, the call goes at once under the local limits, as every other call then does.
    if (waitMs > 0) await this.wait(waitMs, signal);
    if (signal.aborted) throw abortError(signal);
    return fn();
  }

  private wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal));
      const done = () => {
        this.timers.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.team.off('down', onDown);
      };
      const onAbort = () => {
        done();
        reject(abortError(signal));
      };
      const onDown = () => {
        done();
        resolve();
      };
      const timer = this.timers.setTimeout(() => {
        done();
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.team.once('down', onDown);
    });
  }

  async close(): Promise<void> {
    // The buckets live in Redis; nothing here holds a connection of its own.
  }

  private take(buckets: Bucket[]): Promise<number> {
    const client = this.team.client as TakeClient;
    if (!this.defined) {
      client.defineCommand('conduitTake', { lua: TAKE_LUA });
      this.defined = true;
    }
    const args: Array<string | number> = [buckets.length, ...buckets.map((b) => b.key)];
    for (const b of buckets) args.push(b.capacity, b.perMs, b.units);
    args.push(IDLE_TTL_MS);
    return client.conduitTake(...args).then(Number);
  }

  private bucketsOf(limit: SharedLimit, tokens: SharedTokens | undefined): Bucket[] {
    // At least 5 % headroom: Redis orders the turns exactly, but each machine's path to the
    // provider moves the arrivals a little, more than within one process.
    const share = 1 - Math.max(limit.margin, TEAM_MARGIN);
    const bucket = (kind: string, perMinute: number, size: number, units: number): Bucket => {
      const rate = perMinute * share;
      // The headroom is in the size too. Ours starts refilling when Redis hands out a turn, the
      // provider's only when the request arrives (until then it is full and its refill is lost),
      // so after a burst ours is ahead by the rate times the way to the provider: at 10,000 RPM
      // and 150 ms, 25 requests, which the rate's margin alone takes seconds to win back.
      const capacity = Math.max(1, Math.floor(size * share));
      // The rate and size are part of the key: a changed setting starts a fresh bucket rather
      // than reading one kept at other numbers.
      return {
        key: this.team.key('rl', limit.provider, limit.keyId, kind, `${capacity}@${rate}`),
        capacity,
        perMs: rate / this.windowMs,
        units: Math.min(units, capacity),
      };
    };
    const out = [bucket('requests', limit.rpm, Math.max(1, Math.min(limit.burst ?? limit.rpm, limit.rpm)), 1)];
    if (tokens) {
      // A request larger than a whole bucket would wait forever: cap it at the bucket (the local
      // limiter refuses such requests before they get here anyway).
      const add = (kind: string, perMinute: number | undefined, units: number) => {
        if (perMinute !== undefined && perMinute > 0 && units > 0)
          out.push(bucket(kind, perMinute, perMinute, Math.min(units, perMinute)));
      };
      add('input_tokens', limit.itpm, tokens.input);
      add('output_tokens', limit.otpm, tokens.output);
      add('tokens', limit.tpm, tokens.input + (limit.tpmCountsOutput === false ? 0 : tokens.output));
    }
    return out;
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
