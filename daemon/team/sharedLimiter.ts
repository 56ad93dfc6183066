import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import type { TeamConnection } from './teamConnection';

const TEAM_MARGIN = 0.05;

/** What the shared limiter needs of one provider and key. */
export interface SharedLimit {
  provider: string;
  /** A short hash of the key (never the key): daemons with the same key share one limiter. */
  keyId: string;
  /** The provider's requests per minute for the whole team. */
  rpm: number;
  /** Share left unused, as the local limiter's margin. */
  margin: number;
}

/**
 * The team's request limit per provider and key, kept by Bottleneck's own Redis clustering: one
 * Bottleneck id per provider, key and rate, and `minTime` spacing, so every daemon of the team
 * together sends at most `rpm` requests in any minute. It sits behind the local token buckets,
 * which stay the fast path; a request only waits here for the team's spacing.
 *
 * While Redis is away the call runs at once, under the local limits alone (which the team scales
 * down to this daemon's share).
 */
export class SharedLimiter {
  private connection: Bottleneck.IORedisConnection | undefined;
  private readonly limiters = new Map<string, Bottleneck>();

  constructor(private readonly team: TeamConnection, private readonly log?: (msg: string, fields: Record<string, unknown>) => void) {
    // A Redis that restarted may have lost the limiters' settings and client registrations.
    // Bottleneck means to recover from that, but it matches the bare error text and Redis 7
    // prefixes it with "ERR ", so the limiters are made afresh on every rejoin instead.
    team.on('up', () => void this.forget());
  }

  /** Whether the team's Redis answers (for tests and status). */
  get connected(): boolean {
    return this.team.up;
  }

  async run<T>(limit: SharedLimit, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    if (!this.team.up || limit.rpm <= 0) return fn();
    const limiter = this.limiterFor(limit);
    let claimed = false;
    const claim = () => (claimed ? false : (claimed = true));
    return new Promise<T>((resolve, reject) => {
      const local = () => {
        if (!claim()) return;
        cleanup();
        fn().then(resolve, reject);
      };
      const onAbort = () => {
        if (!claim()) return;
        cleanup();
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const cleanup = () => {
        this.team.off('down', local);
        signal.removeEventListener('abort', onAbort);
      };
      if (signal.aborted) return onAbort();
      this.team.once('down', local);
      signal.addEventListener('abort', onAbort, { once: true });
      // A job whose request was cancelled, or ran locally after Redis left, still takes its slot
      // when its turn comes; it just returns at once.
      limiter.schedule(async () => {
        if (!claim()) return;
        cleanup();
        await fn().then(resolve, reject);
      }).catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (/SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT/.test(message)) void this.forget();
        this.log?.('team: shared rate limit unavailable; this request goes under the local limit', { err: message });
        local();
      });
    });
  }

  async close(): Promise<void> {
    await this.forget();
    await Promise.resolve(this.connection?.disconnect(true)).catch(() => undefined);
  }

  /** Drops the limiters; the next request makes new ones, which set up their state in Redis again. */
  private async forget(): Promise<void> {
    const limiters = [...this.limiters.values()];
    this.limiters.clear();
    await Promise.all(limiters.map((l) => Promise.resolve(l.disconnect(true)).catch(() => undefined)));
  }

  private limiterFor(limit: SharedLimit): Bottleneck {
    // The rate is part of the id: Bottleneck keeps the settings of whoever created the limiter in
    // Redis first, so a new rate must be a new limiter rather than a silent no-op.
    // At least 5 % headroom: Redis spaces the starts exactly, but each machine's timers and its
    // network path to the provider move the arrivals a little, more than within one process.
    const rate = Math.max(1, Math.floor(limit.rpm * (1 - Math.max(limit.margin, TEAM_MARGIN))));
    const id = this.team.key('rl', limit.provider, limit.keyId, `rpm${rate}`);
    let limiter = this.limiters.get(id);
    if (!limiter) {
      this.connection ??= this.connect();
      limiter = new Bottleneck({
        id,
        datastore: 'ioredis',
        connection: this.connection,
        clearDatastore: false,
        // Past 60,000 RPM the spacing is below Bottleneck's millisecond clock; the local buckets
        // of each daemon are then the only limit.
        minTime: rate >= 60_000 ? 0 : Math.ceil(60_000 / rate),
        maxConcurrent: null,
        // Forgotten by Redis after a day without requests.
        timeout: 86_400_000,
      });
      limiter.on('error', (err: unknown) => this.log?.('team: shared rate limiter error', { err: err instanceof Error ? err.message : String(err) }));
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private connect(): Bottleneck.IORedisConnection {
    const connection = new Bottleneck.IORedisConnection({ client: this.team.bottleneckClient(), Redis });
    connection.on('error', (err: unknown) => this.log?.('team: shared rate limiter connection error', { err: err instanceof Error ? err.message : String(err) }));
    return connection;
  }
}
