import type { ChatRequest } from '../../protocol';
import { resolveProvider } from '../config/config';
import { restartNeeded } from '../config/restartSettings';
import type { BatchService } from '../batch/batchService';
import type { ResponseCache } from '../cache/responseCache';
import type { Gateway } from '../gateway/gateway';
import type { Redactor } from '../guard/redact';
import type { LogFn } from '../log/logFn';
import { experimentResults } from '../router/experimentResults';
import type { KeychainBackend } from '../secrets/keychain';
import type { KeyRing } from '../secrets/keyRing';
import type { RegisterHandlers } from '../server/clientSession';
import { batchHandlers } from '../server/handlers/batchHandlers';
import { cacheHandlers } from '../server/handlers/cacheHandlers';
import { configHandlers } from '../server/handlers/configHandlers';
import { feedbackHandlers } from '../server/handlers/feedbackHandlers';
import { jobsHandlers } from '../server/handlers/jobsHandlers';
import { keyHandlers } from '../server/handlers/keyHandlers';
import { routerHandlers } from '../server/handlers/routerHandlers';
import { withExpectedCost } from '../usage/expectedCost';
import { teamHandlers } from '../server/handlers/teamHandlers';
import { usageHandlers } from '../server/handlers/usageHandlers';
import { storeTeamPassword } from '../team/teamPassword';
import type { AlertMonitor } from '../usage/alertMonitor';
import type { BudgetTable } from '../usage/budgetTable';
import { experimentStats, saveRating } from '../usage/ratings';
import type { UsageLedger } from '../usage/usageLedger';
import type { WarmFn } from './createGateway';
import type { LiveConfig } from './liveConfig';
import type { DaemonStores } from './openStores';
import type { TeamMode } from './teamMode';
import { loadChunk } from '../platform/codeChunk';

export interface HandlerDeps {
  config: LiveConfig;
  gateway: Gateway;
  ledger: UsageLedger;
  queue: DaemonStores['queue'];
  monitor: AlertMonitor;
  ring: KeyRing;
  keychain: KeychainBackend;
  redactor: Redactor;
  cache: ResponseCache;
  warm: WarmFn;
  budgets: BudgetTable;
  batchService: BatchService | undefined;
  team: TeamMode;
  log: LogFn;
  env?: NodeJS.ProcessEnv;
}

/** Every request area beyond chat, status and stop; each area's handlers live in server/handlers/. */
export function createHandlers(deps: HandlerDeps): RegisterHandlers[] {
  const { config, ledger, log, redactor } = deps;
  return [
    usageHandlers({ ledger, alerts: deps.monitor }),
    keyHandlers({
      ring: deps.ring,
      env: deps.env ?? process.env,
      defaultProfile: () => config.get().profile,
      baseURL: (id) => resolveProvider(config.get(), id).baseURL,
      // keyVerify loads every provider's SDK: only when a key is verified, not at start.
      verify: async (id, key, baseURL) =>
        (await loadChunk('the key check', () => import('../secrets/keyVerify'))).verifyKey(id, key, baseURL, (t) =>
          redactor.text(t),
        ),
      log,
    }),
    cacheHandlers({ cache: deps.cache, enabled: () => config.get().cache.enabled, warm: deps.warm }),
    configHandlers({
      // Settings from VS Code lie over config.json. What reacts to a change is in main.ts; the
      // message size limit, the idle timeout and the cache's bounds and embedder stay as started.
      fileConfig: config.fromFile,
      apply: (next) => config.set(next),
      restartNeeded: (next) => restartNeeded(config.startedWith, next),
      log,
    }),
    feedbackHandlers(
      (msg, fields) => log('info', msg, fields),
      async (requestId, rating, feature) => {
        try {
          await ledger.settled();
          await saveRating(ledger.reader(), requestId, rating, feature, Date.now());
          return true;
        } catch (err) {
          log('warn', 'rating not stored', { requestId, err: err instanceof Error ? err.message : String(err) });
          return false;
        }
      },
    ),
    routerHandlers({
      explain: async (request) =>
        withExpectedCost(
          deps.gateway.explain(request),
          request as ChatRequest,
          () => deps.ledger.reader(),
          deps.config.get().prices,
        ),
      budgets: () => ({ onExceed: config.get().budgets.onExceed, budgets: deps.budgets.statuses() }),
      experiments: async (since) => ({
        since,
        experiments: experimentResults(
          config.get().experiments,
          await ledger.settled().then(() => experimentStats(ledger.reader(), since)),
        ),
      }),
    }),
    batchHandlers(deps.batchService),
    teamHandlers({
      usage: (params) => deps.team.current?.usageTotals(params),
      storePassword: (password) => storeTeamPassword(deps.keychain, password),
    }),
    ...(deps.queue ? [jobsHandlers(deps.queue)] : []),
  ];
}
