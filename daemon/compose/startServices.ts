import type { LogFn } from '../log/logFn';
import { readSpend } from '../usage/budgetSpend';
import type { AlertMonitor } from '../usage/alertMonitor';
import type { BudgetTable } from '../usage/budgetTable';
import type { CacheStartup } from './cacheStartup';
import type { BackgroundWork } from './createBackgroundWork';
import type { DaemonAlerts } from './daemonAlerts';
import type { LiveConfig } from './liveConfig';
import type { DaemonStores } from './openStores';
import type { TeamMode } from './teamMode';

export interface StartDeps {
  stores: DaemonStores;
  budgets: BudgetTable;
  alerts: DaemonAlerts;
  work: BackgroundWork;
  cacheStartup: CacheStartup;
  team: TeamMode;
  monitor: AlertMonitor;
  config: LiveConfig;
  startedAt: number;
  log: LogFn;
}

/**
 * What starts once this process owns the socket: the databases, then the work that reads them.
 * The cache and team mode start in the background; a slow embedder or a Redis that is down
 * never holds up the start.
 */
export async function startServices(deps: StartDeps): Promise<void> {
  const { stores, budgets, alerts, log } = deps;
  await stores.ledger.open();
  try {
    budgets.seed(await readSpend(stores.ledger.reader(), deps.startedAt));
  } catch (err) {
    log('warn', "budgets: could not read this period's spend from the ledger; counting from zero", {
      err: err instanceof Error ? err.message : String(err),
    });
  }
  stores.usageMaintenance.start();
  alerts.checkBudgets();
  alerts.announceDeprecations();
  await stores.queue?.init(deps.config.get().queue.rerunUnfinished);
  // Running batches resume where the last daemon left them, with the same backoff.
  await deps.work.batchPoller?.start();
  deps.cacheStartup.start();
  // Team mode's hooks are in place before the first request is served (not Redis: that may be down).
  await deps.team.start();
  deps.monitor.start();
  deps.work.worker?.start();
}
