import { floorTo } from './rollupPlan';
import { readRollupState, setRollupState } from './rollupState';
import { DAY_MS, HOUR_MS } from './rollupSchema';
import type { SqliteDb } from './sqlite';

/** The hour before which raw rows may go, for `usage.retentionDays`. */
export function retentionCutoff(now: number, retentionDays: number): number {
  return floorTo(now - retentionDays * DAY_MS, HOUR_MS);
}

/**
 * Deletes one small batch of raw rows older than the cutoff; their figures stay in the
 * rollups. raw_since moves in the same transaction, so a query never reads a deleted range as
 * raw. Nothing is deleted before the rollups hold every row. Returns the rows deleted.
 */
export async function retentionBatch(db: SqliteDb, cutoff: number, batchRows = 500): Promise<number> {
  const state = await readRollupState(db);
  if (!state.ready) return 0;
  return db.transaction(async () => {
    const { changes } = await db.run(
      // Only rows already in the rollups, and never the last of them: ids are max + 1, so were
      // every row deleted, new ones would reuse ids at or below rolled_to and never be folded.
      `DELETE FROM requests WHERE id IN (
         SELECT id FROM requests WHERE started_at < ? AND id < ? ORDER BY started_at LIMIT ?)`,
      [Math.max(cutoff, state.rawSince), state.rolledTo, batchRows],
    );
    // Only a deletion moves raw_since: with nothing old to delete, every answer stays raw-exact.
    if (changes > 0 && cutoff > state.rawSince) await setRollupState(db, 'raw_since', cutoff);
    return changes;
  });
}
