import { FOLD_COLUMNS, foldIntoRollups, type FoldRow } from './rollupFold';
import { readRollupState, setRollupState } from './rollupState';
import type { SqliteDb } from './sqlite';

export interface BackfillProgress {
  done: number;
  total: number;
  finished: boolean;
}

/**
 * Adds one batch of the rows written before the rollups existed (ids up to backfill_end) to
 * the rollups, and moves the cursor in the same transaction: a kill at any point leaves every
 * row counted exactly once, and the next start continues from the cursor.
 */
export async function backfillBatch(db: SqliteDb, batchRows = 2000): Promise<BackfillProgress> {
  const state = await readRollupState(db);
  if (state.ready) return { done: state.backfillEnd, total: state.backfillEnd, finished: true };
  const rows = await db.all<FoldRow>(
    `SELECT ${FOLD_COLUMNS} FROM requests WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
    [state.backfillCursor, state.backfillEnd, batchRows],
  );
  const cursor = rows.length < batchRows ? state.backfillEnd : rows[rows.length - 1]!.id;
  await db.transaction(async () => {
    await foldIntoRollups(db, rows);
    await setRollupState(db, 'backfill_cursor', cursor);
  });
  return { done: cursor, total: state.backfillEnd, finished: cursor >= state.backfillEnd };
}
