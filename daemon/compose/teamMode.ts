import type { AlertEvent, ProviderId } from '../../protocol';
import type { ResponseCache } from '../cache/responseCache';
import type { ConduitConfig } from '../config/config';
import type { TeamHooks } from '../gateway/teamSteps';
import type { Redactor } from '../guard/redact';
import type { LogFn } from '../log/logFn';
import type { RateLimitSettings } from '../ratelimit/rateLimitSettings';
import type { KeychainBackend } from '../secrets/keychain';
import type { Team } from '../team/team';
import { readTeamPassword } from '../team/teamPassword';
import { teamRedisUrl } from '../team/teamSettings';
import type { RequestRecord } from '../usage/requestRecord';
import { loadChunk } from '../platform/codeChunk';

export interface TeamModeDeps {
  config: () => ConduitConfig;
  cache: ResponseCache;
  keychain: KeychainBackend;
  redactor: Redactor;
  onAlert: (e: AlertEvent) => void;
  log: LogFn;
  env?: NodeJS.ProcessEnv;
}

/**
 * Team mode (opt-in): limits, cache, budgets and usage shared with the team through Redis. VS
 * Code's settings arrive after start (config/apply), so team mode can also begin then; until it
 * does, every hook here falls back to the daemon's own, local behaviour.
 */
export class TeamMode {
  private team: Team | undefined;
  private loading = false;
  private starting: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: TeamModeDeps) {}

  get current(): Team | undefined {
    return this.team;
  }

  /**
   * Starts team mode from the Redis URL in effect; a changed URL or team id needs a restart.
   * Resolves once the team's hooks are in place (its code loaded), not when Redis answers: the
   * daemon's start waits for that, so no request slips past the team's budget and limits while
   * the code loads.
   */
  start(): Promise<void> {
    const config = this.deps.config;
    const url = teamRedisUrl(config().team, this.deps.env ?? process.env);
    if (!url || this.stopped || this.team || this.loading) return Promise.resolve();
    this.loading = true;
    let hooked!: () => void;
    const inPlace = new Promise<void>((resolve) => (hooked = resolve));
    // The team code and ioredis load only for a daemon in team mode. In the background: a Redis
    // that is down costs a warning and local limits, never the start.
    this.starting = loadChunk('team mode', () => import('../team/team'))
      .then(({ Team }) => {
        if (this.stopped) return undefined;
        const started = new Team({
          url,
          settings: () => config().team,
          rateLimit: () => config().rateLimit,
          sampling: () => config().sampling.enabled,
          cache: this.deps.cache,
          onAlert: this.deps.onAlert,
          log: this.deps.log,
        });
        this.team = started;
        hooked();
        return readTeamPassword(this.deps.keychain, this.deps.env ?? process.env).then((password) => {
          this.deps.redactor.addSecret(password);
          return started.start(password);
        });
      })
      .catch((err: unknown) => {
        // Not built at all: a later config change may try again.
        if (!this.team) this.loading = false;
        this.deps.log('warn', 'team mode could not start; running locally', {
          err: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(hooked);
    return inPlace;
  }

  /** The limits this daemon applies itself: its share of the team's, once team mode runs. */
  localLimits(settings: RateLimitSettings): RateLimitSettings {
    return this.team ? this.team.localLimits(settings) : settings;
  }

  recordUsage(record: RequestRecord): void {
    this.team?.recordUsage(record);
  }

  /** The team's shared request limit and budget, for the gateway. */
  readonly hooks: TeamHooks = {
    limited: <T>(
      provider: ProviderId,
      apiKey: string | undefined,
      signal: AbortSignal,
      fn: () => Promise<T>,
      tokens?: Parameters<TeamHooks['limited']>[4],
    ) => (this.team ? this.team.limited(provider, apiKey, signal, fn, tokens) : fn()),
    budget: () => this.team?.budget,
  };

  /** From now on nothing starts: the daemon is stopping. */
  preventStart(): void {
    this.stopped = true;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.team?.close();
  }
}
