import type { SqliteDb } from './sqlite';

/** Where the rollups stand (table usage_rollup_state, rollupSchema.ts). */
export interface RollupState {
  /** Rows with an id up to this were written before the rollups existed. */
  backfillEnd: number;
  /** The backfill has added every row with an id up to this. */
  backfillCursor: number;
  /** The backfill is done: queries may read the rollups (and the tail after rolledTo raw). */
  ready: boolean;
  /**
   * Rows with an id up to this are in the rollups (rollupRoll.ts); newer ones are the tail,
   * which queries read from the raw rows.
   */
  rolledTo: number;
  /** Raw rows that started before this were deleted by retention; 0 while none were. */
  rawSince: number;
}

export async function readRollupState(db: SqliteDb): Promise<RollupState> {
  const rows = await db.all<{ key: string; value: number }>('SELECT key, value FROM usage_rollup_state');
  const value = (key: string) => rows.find((r) => r.key === key)?.value ?? 0;
  const backfillEnd = value('backfill_end');
  const backfillCursor = value('backfill_cursor');
  return {
    backfillEnd,
    backfillCursor,
    ready: backfillCursor >= backfillEnd,
    rolledTo: value('rolled_to'),
    rawSince: value('raw_since'),
  };
}

/** Called inside the transaction that does the work the value records. */
export async function setRollupState(
  db: SqliteDb,
  key: 'backfill_cursor' | 'raw_since' | 'rolled_to',
  value: number,
): Promise<void> {
  await db.run('UPDATE usage_rollup_state SET value = ? WHERE key = ?', [value, key]);
}
