import * as os from 'node:os';
import type {
  AlertEvent,
  BudgetStatus,
  ProviderId,
  TeamStatus,
  TeamUsageParams,
  TeamUsageResult,
} from '../../protocol';
import type { ResponseCache } from '../cache/responseCache';
import { limitsFor, type RateLimitSettings } from '../ratelimit/rateLimitSettings';
import { keyIdOf } from '../ratelimit/rateLimiter';
import type { RequestRecord } from '../usage/requestRecord';
import { scaledLimits } from './scaledLimits';
import { SharedLimiter, type SharedLimit, type SharedTokens } from './sharedLimiter';
import { TeamAlert } from './teamAlert';
import { TeamBudget } from './teamBudget';
import { TeamCache } from './teamCache';
import { TeamConnection } from './teamConnection';
import type { TeamSettings } from './teamSettings';
import { teamRow, TeamUsage } from './teamUsage';
import { nodeCrypto } from '../platform/nodeCrypto';

export interface TeamOptions {
  url: string;
  settings: () => TeamSettings;
  rateLimit: () => RateLimitSettings;
  /** Whether prompt text may go to Redis: only when the user turned ledger sampling on. */
  sampling: () => boolean;
  cache: ResponseCache;
  onAlert: (event: AlertEvent) => void;
  log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Team mode, put together: the Redis connection and the parts that share through it (rate
 * limits, the cache, budgets, usage). It knows nothing of the gateway; the daemon hands the
 * gateway the hooks below.
 */
export class Team {
  readonly connection: TeamConnection;
  readonly limiter: SharedLimiter;
  readonly cache: TeamCache;
  readonly budget: TeamBudget;
  readonly usage: TeamUsage;
  readonly person: string;
  private readonly origin = nodeCrypto().randomUUID();
  private readonly alert = new TeamAlert();
  private lastBudgets: BudgetStatus[] = [];
  private scaled: { from: RateLimitSettings; share: number; to: RateLimitSettings } | undefined;

  constructor(private readonly opts: TeamOptions) {
    const s = opts.settings();
    this.person = s.displayName ?? safeUserName();
    this.connection = new TeamConnection({
      url: opts.url,
      teamId: s.id,
      commandTimeoutMs: s.commandTimeoutMs,
      log: opts.log,
    });
    this.connection.setMaxListeners(0);
    this.limiter = new SharedLimiter(this.connection, (msg, fields) => opts.log('warn', msg, fields));
    this.cache = new TeamCache(this.connection, {
      origin: this.origin,
      sharePrompts: opts.sampling,
      maxStreamEntries: () => opts.settings().cacheStreamMaxEntries,
      adopt: (entry) => opts.cache.adopt(entry),
      log: opts.log,
    });
    this.budget = new TeamBudget(this.connection, opts.settings);
    this.usage = new TeamUsage(this.connection, opts.settings, this.origin);
    this.connection.on('down', () => this.raise());
    this.connection.on('up', () => {
      this.raise();
      void this.refreshBudgets();
    });
  }

  /** Connects (with the keychain's password, when Redis needs one) and catches up on the shared cache. */
  async start(password?: string): Promise<void> {
    if (password) this.connection.setPassword(password);
    await this.connection.start();
    this.opts.cache.useSharedTier(this.cache);
    this.raise();
    await this.cache.start();
  }

  async close(): Promise<void> {
    this.opts.cache.useSharedTier(undefined);
    await Promise.all([this.usage.flush(), this.budget.flush()]);
    await this.cache.stop();
    await this.limiter.close();
    await this.connection.close();
  }

  /** One attempt under the team's request and token limits for its provider and key (the local one came first). */
  limited<T>(
    provider: ProviderId,
    apiKey: string | undefined,
    signal: AbortSignal,
    fn: () => Promise<T>,
    tokens?: SharedTokens,
  ): Promise<T> {
    const settings = this.opts.rateLimit();
    const limits = limitsFor(settings, provider);
    if (limits?.rpm === undefined) return fn();
    const shared: SharedLimit = {
      provider,
      keyId: keyIdOf(apiKey),
      rpm: limits.rpm,
      margin: settings.margin,
      tpmCountsOutput: provider !== 'gemini',
    };
    for (const k of ['burst', 'itpm', 'otpm', 'tpm'] as const) if (limits[k] !== undefined) shared[k] = limits[k];
    return this.limiter.run(shared, signal, fn, tokens);
  }

  /** The local limits: as configured while Redis answers, this daemon's share of them while not. */
  localLimits(settings: RateLimitSettings): RateLimitSettings {
    if (this.connection.up) return settings;
    const share = this.opts.settings().offlineShare;
    // The same object while nothing changes: a new one makes the rate limiter start new buckets.
    if (this.scaled?.from !== settings || this.scaled.share !== share)
      this.scaled = { from: settings, share, to: scaledLimits(settings, share) };
    return this.scaled.to;
  }

  /** A copy of a ledger row (figures and names only) for the team's usage stream. */
  recordUsage(record: RequestRecord): void {
    this.usage.append(teamRow(record, this.person));
  }

  async usageTotals(params: TeamUsageParams): Promise<TeamUsageResult> {
    if (!this.connection.up)
      throw new Error(
        `Team usage lives in Redis at ${this.connection.display}, which is unreachable (${this.connection.problem ?? 'no connection'}). Try again once it is back; \`conduit usage\` shows this daemon's own ledger meanwhile.`,
      );
    return this.usage.totals(params, this.opts.settings().id);
  }

  status(): TeamStatus {
    // Synchronous: the budgets as last read, and a read for the next call (freshStatus awaits one).
    void this.refreshBudgets();
    const s = this.opts.settings();
    const problem = this.connection.problem;
    return {
      mode: this.connection.mode,
      teamId: s.id,
      displayName: this.person,
      redis: this.connection.display,
      since: this.connection.since,
      ...(this.connection.mode === 'degraded' && problem ? { problem } : {}),
      offlineShare: s.offlineShare,
      budgets: this.lastBudgets,
      pendingUsage: this.usage.pendingCount + this.budget.pendingCount,
      cacheAdopted: this.cache.adopted,
    };
  }

  /**
   * The status with the team budgets read now, so the first `status` after spending shows it;
   * when Redis does not answer within `waitMs`, the budgets as last read.
   */
  async freshStatus(waitMs = 1000): Promise<TeamStatus> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([this.refreshBudgets(), late]);
    clearTimeout(timer);
    return this.status();
  }

  private refreshBudgets(): Promise<void> {
    return this.budget.statuses().then(
      (b) => {
        this.lastBudgets = b;
      },
      () => undefined,
    );
  }

  alerts(): ReturnType<TeamAlert['active']> {
    return this.alert.active();
  }

  private raise(): void {
    const down = this.connection.mode === 'degraded' ? (this.connection.problem ?? 'the connection closed') : undefined;
    for (const e of this.alert.update(down, this.connection.display, this.opts.settings().offlineShare))
      this.opts.onAlert(e);
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
