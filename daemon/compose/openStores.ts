import { openBatchStore } from '../batch/openBatchStore';
import type { ConduitConfig } from '../config/config';
import type { LogFn } from '../log/logFn';
import { openQueue } from '../resilience/openQueue';
import { UsageLedger } from '../usage/usageLedger';
import { createUsageMaintenance, type UsageMaintenance } from '../usage/usageMaintenance';

export interface DaemonStores {
  ledger: UsageLedger;
  /** Absent when its database cannot be opened: background work then fails instead of waiting. */
  queue: Awaited<ReturnType<typeof openQueue>>;
  batchStore: Awaited<ReturnType<typeof openBatchStore>>;
  /** Rollup backfill and raw-row retention, in the background once the ledger is open. */
  usageMaintenance: UsageMaintenance;
}

export type StoreFiles = Pick<DaemonStores, 'queue' | 'batchStore'>;

/**
 * The durable queue's and the batch jobs' databases. main.ts starts this first of all, without
 * awaiting it: the SQLite thread boots its isolate, loads its binding and opens both files while
 * the main thread reads the config and wires the parts, instead of after them.
 */
export async function openStoreFiles(home: string, log: LogFn): Promise<StoreFiles> {
  const [queue, batchStore] = await Promise.all([openQueue(home, log), openBatchStore(home, log)]);
  return { queue, batchStore };
}

/**
 * The databases in the home. The ledger is only created here; it opens once this process owns the
 * socket (see main.ts), so a second daemon never touches it.
 */
export async function openStores(
  home: string,
  config: Pick<ConduitConfig, 'ledgerAck' | 'usage'>,
  log: LogFn,
  files: Promise<StoreFiles> = openStoreFiles(home, log),
): Promise<DaemonStores> {
  const ledger = UsageLedger.inHome(home, { log, ackAfterFsync: config.ledgerAck === 'disk', journal: true });
  const usageMaintenance = createUsageMaintenance({ ledger, retentionDays: config.usage.retentionDays, log });
  return { ledger, usageMaintenance, ...(await files) };
}

/** For a daemon that exits before serving: the ledger was never opened. */
export async function closeUnopenedStores(stores: DaemonStores): Promise<void> {
  await stores.queue?.close();
  await stores.batchStore?.close();
}
