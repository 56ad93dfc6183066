import * as fs from 'node:fs';
import { LedgerJournal } from './ledgerJournal';
import { INSERT_SQL } from './ledgerRow';
import type { LedgerLog } from './openLedgerDb';
import type { SqliteDb } from './sqlite';
import type { WalSync } from './walSync';

/**
 * Rows a crash left in the journal go into SQLite (INSERT_SQL ignores a row already there), the
 * WAL goes to disk, then the segments go.
 */
export async function replayJournal(
  db: SqliteDb,
  files: string[],
  walSync: WalSync | null,
  log: LedgerLog,
): Promise<void> {
  let rows = 0;
  for (const file of files) {
    const params = LedgerJournal.read(file);
    rows += params.length;
    if (params.length > 0)
      await db.transaction(async () => {
        for (const p of params) await db.runPrepared(INSERT_SQL, p);
      });
  }
  await walSync?.sync();
  for (const file of files) fs.rmSync(file, { force: true });
  log('info', 'usage ledger: rows from the journal replayed after an unclean stop', { rows, segments: files.length });
}
