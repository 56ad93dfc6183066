import { EventEmitter } from 'node:events';
import Redis, { type RedisOptions } from 'ioredis';
import type { TeamMode } from '../../protocol';
import { displayUrl, redisOptions } from './redisOptions';

export interface TeamConnectionOptions {
  url: string;
  password?: string;
  teamId: string;
  commandTimeoutMs: number;
  log?: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * The team's Redis connection and its health. Commands fail fast while Redis is away (no offline
 * queue), so every shared part can fall back to its local twin at once; ioredis keeps
 * reconnecting, and `up` fires when it is back so the parts rejoin.
 */
export class TeamConnection extends EventEmitter<{ up: []; down: [problem: string] }> {
  readonly client: Redis;
  readonly display: string;
  private state: TeamMode = 'connecting';
  private changedAt = Date.now();
  private lastProblem: string | undefined;
  private readonly options: RedisOptions;
  private readonly extra: Redis[] = [];
  private closing = false;

  constructor(private readonly opts: TeamConnectionOptions) {
    super();
    this.display = displayUrl(opts.url);
    this.options = redisOptions(opts.url, opts.password, opts.commandTimeoutMs);
    this.client = new Redis(this.options);
    this.client.on('ready', () => {
      this.lastProblem = undefined;
      this.setState('connected');
    });
    // The first reason is the telling one (WRONGPASS, ECONNREFUSED); "Connection is closed" follows it.
    this.client.on('error', (err: Error) => {
      if (!this.lastProblem || !/Connection is closed/.test(err.message)) this.lastProblem = err.message;
    });
    this.client.on('close', () => this.setState('degraded'));
  }

  /** The password read from the keychain after construction; used from the next connect on. */
  setPassword(password: string): void {
    this.options.password = password;
    this.client.options.password = password;
  }

  /** Starts connecting; resolves once connected or once the first attempt failed (then degraded). */
  async start(): Promise<void> {
    await this.client.connect().catch((err: unknown) => {
      this.lastProblem ??= err instanceof Error ? err.message : String(err);
      this.setState('degraded');
    });
  }

  get mode(): TeamMode {
    return this.state;
  }

  get up(): boolean {
    return this.state === 'connected';
  }

  get since(): number {
    return this.changedAt;
  }

  get problem(): string | undefined {
    return this.state === 'connected' ? undefined : this.lastProblem;
  }

  /** A Redis key of this team. */
  key(...parts: string[]): string {
    return `conduit:${this.opts.teamId}:${parts.join(':')}`;
  }

  /**
   * Another connection to the same Redis, for blocking reads (XREAD BLOCK holds its connection)
   * and for Bottleneck's subscriber. No command timeout: a blocking read is meant to wait.
   */
  duplicate(): Redis {
    const conn = new Redis({ ...this.options, commandTimeout: undefined, lazyConnect: false });
    conn.on('error', () => undefined);
    this.extra.push(conn);
    return conn;
  }

  /**
   * A connection for Bottleneck, which duplicates it for its subscriber. It queues commands while
   * disconnected (Bottleneck's own bookkeeping must not throw unhandled); callers still bypass
   * it while Redis is away, so nothing waits on that queue.
   */
  bottleneckClient(): Redis {
    const conn = new Redis({ ...this.options, enableOfflineQueue: true, lazyConnect: false });
    conn.on('error', () => undefined);
    this.extra.push(conn);
    return conn;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.removeAllListeners();
    for (const c of [this.client, ...this.extra]) c.disconnect();
  }

  private setState(next: TeamMode): void {
    if (next === this.state || this.closing) return;
    const was = this.state;
    this.state = next;
    this.changedAt = Date.now();
    if (next === 'connected') {
      this.opts.log?.(
        'info',
        was === 'degraded'
          ? 'team: Redis is back; shared limits, cache and budgets resume'
          : 'team: connected to Redis',
        { redis: this.display },
      );
      this.emit('up');
    } else if (next === 'degraded') {
      const problem = this.lastProblem ?? 'the connection closed';
      this.opts.log?.(
        'warn',
        "team: Redis unreachable; local limits, local cache and this daemon's share of the team budget until it returns",
        { redis: this.display, problem },
      );
      this.emit('down', problem);
    }
  }
}
