import type { CacheWarmResult, ChatRequest, ClientKind } from '../../protocol';
import { warmCache } from '../cache/cacheWarmer';
import type { ResponseCache } from '../cache/responseCache';
import { Gateway } from '../gateway/gateway';
import type { Redactor } from '../guard/redact';
import type { LogFn } from '../log/logFn';
import type { Logger } from '../log/logger';
import { LearnedLimits, learnedLimitsFile } from '../ratelimit/learnedLimits';
import { RateLimiter } from '../ratelimit/rateLimiter';
import { BreakerRegistry } from '../resilience/breakerRegistry';
import type { KeyRing } from '../secrets/keyRing';
import type { BudgetTable } from '../usage/budgetTable';
import type { RequestRecorder } from '../usage/requestRecord';
import type { UsageLedger } from '../usage/usageLedger';
import { unpricedModelAlert } from '../usage/eventAlerts';
import { UnpricedSpend } from '../usage/unpricedSpend';
import type { DaemonAlerts } from './daemonAlerts';
import type { DaemonHome } from './daemonHome';
import type { LiveConfig } from './liveConfig';
import type { DaemonStores } from './openStores';
import type { TeamMode } from './teamMode';

export interface GatewayDeps {
  home: DaemonHome;
  config: LiveConfig;
  logger: Logger;
  log: LogFn;
  redactor: Redactor;
  keys: KeyRing;
  ledger: UsageLedger;
  queue: DaemonStores['queue'];
  cache: ResponseCache;
  budgets: BudgetTable;
  team: TeamMode;
  alerts: DaemonAlerts;
  /** A circuit closed again: its provider answers, so what waited for it can run. */
  onCircuitClosed: () => void;
}

export type WarmFn = (requests: ChatRequest[], client: ClientKind) => Promise<CacheWarmResult>;

export interface GatewayParts {
  gateway: Gateway;
  breakers: BreakerRegistry;
  rateLimiter: RateLimiter;
  /** Spend on models without a known price, shown apart in `status`. */
  unpriced: UnpricedSpend;
  /** The ledger, and the team's usage stream when team mode is on. */
  recorder: RequestRecorder;
  /** Sends each request that is not cached yet through the gateway (cache/warm, warm on start). */
  warm: WarmFn;
}

/** The request pipeline and the shared policies it runs under. */
export function createGateway(deps: GatewayDeps): GatewayParts {
  const config = deps.config.get;
  const { log, ledger, team, alerts } = deps;
  const breakers = new BreakerRegistry(() => config().resilience.breaker, {
    onEvent: (event, snapshot) => {
      log(event === 'break' ? 'warn' : 'info', `circuit ${event}`, { circuit: snapshot });
      if (event === 'reset') deps.onCircuitClosed();
    },
  });
  // One set of limits for every window and the CLI: this daemon is the only sender.
  const rateLimiter = new RateLimiter({
    settings: () => team.localLimits(config().rateLimit),
    // The limits each key's responses stated, kept across restarts (never the key itself).
    learned: new LearnedLimits(learnedLimitsFile(deps.home.layout.home)),
  });
  // Each ledger row also goes to the team's usage stream.
  const recorder: RequestRecorder = {
    record: async (r) => {
      const res = await ledger.record(r);
      team.recordUsage(r);
      return res;
    },
  };
  const unpriced = new UnpricedSpend();
  const gateway = new Gateway({
    config,
    logger: deps.logger,
    redactor: deps.redactor,
    breakers,
    recorder,
    cache: deps.cache,
    rateLimiter,
    team: team.hooks,
    ...(deps.queue ? { queue: deps.queue } : {}),
    keys: deps.keys,
    onKeyRejected: (e) => alerts.keyRejected(e),
    budgets: deps.budgets,
    onBudgetSettled: () => alerts.checkBudgets(),
    unpriced,
    onUnpricedModel: (e) => alerts.send({ type: 'fired', alert: unpricedModelAlert(e, Date.now()) }),
  });
  const warm: WarmFn = (requests, client) =>
    warmCache(requests, {
      state: (request) => gateway.cacheState(request),
      send: (request, i) =>
        gateway.send(request, {
          requestId: `warm_${Date.now()}_${i}`,
          client,
          signal: new AbortController().signal,
          warming: true,
        }),
      prime: (requests) => gateway.cachePrime(requests),
    });
  return { gateway, breakers, rateLimiter, unpriced, recorder, warm };
}
