import * as path from 'node:path';
import { prepareDatabaseFile, tightenDatabaseFiles } from '../home/safePath';
import { SqliteDb } from '../usage/sqlite';
import { DurableQueue } from './durableQueue';

export const QUEUE_FILE = 'queue.db';

/**
 * Opens the durable queue's own database. It is kept apart from the ledger so that either can
 * be moved aside on corruption without touching the other. A queue that cannot open leaves the
 * daemon serving; background requests then fail instead of waiting.
 */
export async function openQueue(
  home: string,
  log: (level: 'warn', msg: string, fields?: Record<string, unknown>) => void,
): Promise<(DurableQueue & { close(): Promise<void> }) | undefined> {
  const file = path.join(home, QUEUE_FILE);
  try {
    prepareDatabaseFile(file);
    const db = await SqliteDb.openDurable(file);
    tightenDatabaseFiles(file);
    const queue = new DurableQueue(db) as DurableQueue & { close(): Promise<void> };
    queue.close = () => db.close();
    return queue;
  } catch (err) {
    log('warn', 'the durable queue is unavailable; background requests will not be queued', {
      file,
      err: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}
