import { BatchFinishedNotification, JobFinishedNotification } from '../../protocol';
import { batchJobs } from '../batch/batchJobs';
import type { BatchPoller } from '../batch/batchPoller';
import type { BatchService } from '../batch/batchService';
import { shouldQueue } from '../gateway/fallbackRules';
import type { Gateway } from '../gateway/gateway';
import type { Redactor } from '../guard/redact';
import type { LogFn } from '../log/logFn';
import { QueueWorker } from '../resilience/queueWorker';
import type { KeyRing } from '../secrets/keyRing';
import type { BudgetTable } from '../usage/budgetTable';
import type { ClientBroadcast } from './clientBroadcast';
import type { DaemonAlerts } from './daemonAlerts';
import type { LiveConfig } from './liveConfig';
import type { DaemonStores } from './openStores';

export interface BackgroundWorkDeps {
  stores: DaemonStores;
  gateway: Gateway;
  config: LiveConfig;
  budgets: BudgetTable;
  keys: KeyRing;
  redactor: Redactor;
  alerts: DaemonAlerts;
  broadcast: ClientBroadcast;
  log: LogFn;
}

export interface BackgroundWork {
  /** Runs queued requests when they fall due; absent without a queue database. */
  worker: QueueWorker | undefined;
  /** Polls running provider batches; absent without a batch database. */
  batchPoller: BatchPoller | undefined;
  batchService: BatchService | undefined;
  /** Runs what waited in the queue now, e.g. because a circuit closed again. */
  wake(): void;
  /** Queued jobs and running batches: while there are any, an idle daemon stays up. */
  pending(): Promise<number>;
}

/** The work the daemon does for clients that are not waiting: the durable queue and batch jobs. */
export function createBackgroundWork(deps: BackgroundWorkDeps): BackgroundWork {
  const { queue, batchStore, ledger } = deps.stores;
  const { gateway, broadcast, log, alerts, budgets } = deps;
  // A test hook: said in the log, so that a stray variable never holds a user's jobs unseen.
  const paused = process.env.CONDUIT_QUEUE_PAUSED === '1';
  if (paused && queue) log('warn', 'the durable queue is paused (CONDUIT_QUEUE_PAUSED=1): queued jobs wait', {});
  const worker = queue
    ? new QueueWorker({
        queue,
        run: (job, signal) =>
          gateway.send(job.request, { requestId: job.id, client: 'other', signal, fromQueue: true }),
        retryable: shouldQueue,
        onFinished: (job) => broadcast.send(JobFinishedNotification.type, job),
        log: (level, msg, fields) => log(level, msg, fields),
        paused,
      })
    : undefined;
  const batches = batchStore
    ? batchJobs({
        store: batchStore,
        // Not on a reply's path: a batch item is marked done only once its row is in SQLite, so
        // whoever reads the ledger after the job finishes sees every row.
        recorder: {
          record: async (r) => {
            const result = await ledger.record(r);
            await ledger.settled();
            return result;
          },
        },
        config: deps.config.get,
        budgets,
        keys: deps.keys,
        addSecret: (key) => deps.redactor.addSecret(key),
        onSpend: (feature, usd) => {
          budgets.addSpend(feature, usd);
          alerts.checkBudgets();
        },
        log,
        onFinished: (job) => broadcast.send(BatchFinishedNotification.type, job),
      })
    : undefined;
  return {
    worker,
    batchPoller: batches?.poller,
    batchService: batches?.service,
    wake: () => void queue?.wake().then(() => worker?.drain()),
    pending: async () => ((await queue?.pendingCount()) ?? 0) + ((await batchStore?.activeCount()) ?? 0),
  };
}
