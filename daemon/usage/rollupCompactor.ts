import { LatencySketch } from './latencySketch';
import { DAY_MS, HOUR_MS, ROLLUP_KEY, ROLLUP_TABLES, SKETCH_TABLES, type RollupGrain } from './rollupSchema';
import type { SqliteDb } from './sqlite';

/** A bucket still being written is compacted once this many bins were appended to it. */
const PENDING_LIMIT = 64;

/**
 * Rewrites appended sketch bins ("12 12 13 ") as counts ("12:2 13 ") so a rollup row stays
 * small however many requests it holds. Runs in the background, in the write queue, so no
 * insert can append between the read and the rewrite. Returns how many rows it compacted.
 */
export async function compactBatch(db: SqliteDb, grain: RollupGrain, now: number, limit = 200): Promise<number> {
  const open = now - (now % (grain === 'hour' ? HOUR_MS : DAY_MS));
  return (
    (await compactTable(db, ROLLUP_TABLES[grain], ROLLUP_KEY, open, limit)) +
    (await compactTable(db, SKETCH_TABLES[grain], ['bucket'], open, limit))
  );
}

async function compactTable(
  db: SqliteDb,
  table: string,
  key: readonly string[],
  open: number,
  limit: number,
): Promise<number> {
  return db.transaction(async () => {
    const rows = await db.all<Record<string, string | number>>(
      `SELECT ${key.join(', ')}, lat, ttft FROM ${table} WHERE pending > 0 AND (pending >= ? OR bucket < ?) LIMIT ?`,
      [PENDING_LIMIT, open, limit],
    );
    for (const r of rows) {
      const lat = new LatencySketch();
      lat.addText(String(r.lat));
      const ttft = new LatencySketch();
      ttft.addText(String(r.ttft));
      await db.runPrepared(
        `UPDATE ${table} SET lat = ?, ttft = ?, pending = 0 WHERE ${key.map((k) => `${k} = ?`).join(' AND ')}`,
        [lat.toText(), ttft.toText(), ...key.map((k) => r[k]!)],
      );
    }
    return rows.length;
  });
}
