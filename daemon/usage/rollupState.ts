import type { SqliteDb } from './sqlite';

/** Where the rollups stand (table usage_rollup_state, rollupSchema.ts). */
export interface RollupState {
  /** Rows with an id up to this were written before the rollups existed. */
  backfillEnd: number;
  /** The backfill has added every row with an id up to this. */
  backfillCursor: number;
  /** The rollups hold every row: queries may read them. */
  ready: boolean;
  /** Raw rows that started before this were deleted by retention; 0 while none were. */
  rawSince: number;
}

export async function readRollupState(db: SqliteDb): Promise<RollupState> {
  const rows = await db.all<{ key: string; value: number }>('SELECT key, value FROM usage_rollup_state');
  const value = (key: string) => rows.find((r) => r.key === key)?.value ?? 0;
  const backfillEnd = value('backfill_end');
  const backfillCursor = value('backfill_cursor');
  return { backfillEnd, backfillCursor, ready: backfillCursor >= backfillEnd, rawSince: value('raw_since') };
}

/** Called inside the transaction that does the work the value records. */
export async function setRollupState(db: SqliteDb, key: 'backfill_cursor' | 'raw_since', value: number): Promise<void> {
  await db.run('UPDATE usage_rollup_state SET value = ? WHERE key = ?', [value, key]);
}
