import { FOLD_COLUMNS, foldIntoRollups, type FoldRow } from './rollupFold';
import { rollupGate } from './rollupGate';
import { readRollupState, setRollupState } from './rollupState';
import type { SqliteDb } from './sqlite';

/**
 * Folds the newest rows (ids after `rolled_to`) into the rollups and moves `rolled_to` in the
 * same transaction, so a kill at any point leaves each row counted once: in the rollups or in
 * the tail that queries read raw. The rows are read inside the transaction, in the write
 * queue, so a batch still being written (or rolled back) is never folded. Returns how many
 * rows it folded; fewer than `batchRows` means the tail is empty.
 */
export async function rollBatch(db: SqliteDb, batchRows = 2000): Promise<number> {
  return rollupGate(db).exclusive(() =>
    db.transaction(async () => {
      const { rolledTo } = await readRollupState(db);
      const rows = await db.all<FoldRow>(`SELECT ${FOLD_COLUMNS} FROM requests WHERE id > ? ORDER BY id LIMIT ?`, [
        rolledTo,
        batchRows,
      ]);
      if (rows.length === 0) return 0;
      await foldIntoRollups(db, rows);
      await setRollupState(db, 'rolled_to', rows[rows.length - 1]!.id);
      return rows.length;
    }),
  );
}
