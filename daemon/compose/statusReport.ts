import {
  CONDUIT_VERSION,
  PROTOCOL_VERSION,
  ProviderIds,
  type LocalEndpointStatus,
  type StatusResult,
} from '../../protocol';
import { platformStatus } from '../platform/platformStatus';
import { REPORTED_MALLOC_ENV } from '../client/daemonRuntime';
import { resolveProvider } from '../config/config';
import { configAlert } from '../config/configReport';
import { chainStatus } from '../resilience/defaultChain';
import { modelsInUse } from '../gateway/routeStep';
import type { Redactor } from '../guard/redact';
import type { RateLimiter } from '../ratelimit/rateLimiter';
import type { BreakerRegistry } from '../resilience/breakerRegistry';
import { configuredDeprecations } from '../router/deprecations';
import type { KeyRing } from '../secrets/keyRing';
import { resolveKey } from '../secrets/keySource';
import type { ServerCounts } from '../server/daemonServer';
import type { AlertMonitor } from '../usage/alertMonitor';
import type { BudgetTable } from '../usage/budgetTable';
import type { UsageLedger } from '../usage/usageLedger';
import type { DaemonAlerts } from './daemonAlerts';
import type { DaemonHome } from './daemonHome';
import type { LiveConfig } from './liveConfig';
import type { OptimizerHold } from './optimizerHold';
import type { TeamMode } from './teamMode';
import type { UnpricedSpend } from '../usage/unpricedSpend';

export interface StatusDeps {
  optimizer?: OptimizerHold;
  home: DaemonHome;
  startedAt: number;
  idleTimeoutMs: number;
  config: LiveConfig;
  breakers: BreakerRegistry;
  ledger: UsageLedger;
  monitor: AlertMonitor;
  alerts: DaemonAlerts;
  team: TeamMode;
  unpriced: UnpricedSpend;
  localEndpoint: () => LocalEndpointStatus;
  budgets: BudgetTable;
  rateLimiter: RateLimiter;
  ring: KeyRing;
  redactor: Redactor;
  env?: NodeJS.ProcessEnv;
}

export type StatusReport = (settleMemory: boolean, counts: ServerCounts) => Promise<StatusResult>;

/** What `daemon/status` answers: the process, the connections, and each part's state. */
export function statusReport(deps: StatusDeps): StatusReport {
  const env = deps.env ?? process.env;
  return async (settleMemory, counts) => {
    const config = deps.config.get();
    const team = deps.team.current;
    // The first `status` after spending shows the team budgets read now, not as last read.
    const teamStatus = team ? await team.freshStatus() : undefined;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (settleMemory && gc) gc();
    const mem = process.memoryUsage();
    return {
      pid: process.pid,
      version: CONDUIT_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      uptimeMs: Date.now() - deps.startedAt,
      clients: counts.clients,
      inFlight: counts.inFlight,
      requestsServed: counts.served,
      backpressure: counts.backpressure,
      home: deps.home.layout.home,
      socket: deps.home.address.path,
      idleTimeoutMs: deps.idleTimeoutMs,
      memory: {
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        heapTotal: mem.heapTotal,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
      },
      circuits: deps.breakers.snapshots(),
      ledger: deps.ledger.status(),
      alerts: [
        ...deps.monitor.list().active,
        ...deps.alerts.active(),
        ...(team?.alerts() ?? []),
        ...[configAlert(deps.config.report, deps.home.layout.configFile, deps.startedAt)].filter(
          (a) => a !== undefined,
        ),
      ],
      config: { file: deps.home.layout.configFile, problems: deps.config.report.problems },
      fallback: chainStatus(
        config.resilience.fallback,
        config.provider,
        (id) => resolveKey(id, env, deps.ring, config.profile).source !== 'none',
        env,
      ),
      deprecations: configuredDeprecations(modelsInUse(config)),
      budgets: deps.budgets.statuses(),
      ...(deps.unpriced.status() ? { unpricedSpend: deps.unpriced.status() } : {}),
      rateLimits: deps.rateLimiter.status(),
      providers: ProviderIds.map((id) => {
        const resolved = resolveProvider(config, id);
        const keySource = resolveKey(id, env, deps.ring, config.profile).source;
        return { id, keySource, baseURL: deps.redactor.text(resolved.baseURL), defaultModel: resolved.model };
      }),
      profile: config.profile,
      keychain: deps.ring.state,
      ...(teamStatus ? { team: teamStatus } : {}),
      ...platformStatus(),
      localEndpoint: deps.localEndpoint(),
      memoryTuning: {
        execArgv: process.execArgv,
        malloc: Object.fromEntries(REPORTED_MALLOC_ENV.flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]]))),
        optimizer: deps.optimizer?.state ?? 'not held',
      },
    };
  };
}
