import * as path from 'node:path';
import { prepareDatabaseFile, tightenDatabaseFiles } from '../home/safePath';
import { SqliteDb } from '../usage/sqlite';
import { BatchStore } from './batchStore';

export const BATCH_FILE = 'batch.db';

/**
 * The batch jobs' own database, apart from the ledger as the durable queue's is: either can be
 * moved aside after damage without touching the other, and no transaction needs to span them
 * (a result's ledger row is idempotent by request id, see batchIngest). A store that cannot open
 * leaves the daemon serving; `batch` commands then say so.
 */
export async function openBatchStore(
  home: string,
  log: (level: 'warn', msg: string, fields?: Record<string, unknown>) => void,
): Promise<(BatchStore & { close(): Promise<void> }) | undefined> {
  const file = path.join(home, BATCH_FILE);
  try {
    prepareDatabaseFile(file);
    const db = await SqliteDb.openDurable(file);
    tightenDatabaseFiles(file);
    const store = new BatchStore(db) as BatchStore & { close(): Promise<void> };
    store.close = () => db.close();
    await store.init().catch(async (err: unknown) => {
      await store.close().catch(() => undefined);
      throw err;
    });
    return store;
  } catch (err) {
    log('warn', 'the batch job store is unavailable; `conduit batch` will not work until it opens', {
      file,
      err: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}
