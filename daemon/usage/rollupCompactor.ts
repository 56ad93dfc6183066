import { LatencySketch } from './latencySketch';
import { DAY_MS, HOUR_MS, ROLLUP_TABLES, type RollupGrain } from './rollupSchema';
import type { SqliteDb } from './sqlite';

/** A bucket still being written is compacted once this many bins were appended to it. */
const PENDING_LIMIT = 64;

/**
 * Rewrites appended sketch bins ("12 12 13 ") as counts ("12:2 13 ") so a rollup row stays
 * small however many requests it holds. Runs in the background, in the write queue, so no
 * insert can append between the read and the rewrite. Returns how many rows it compacted.
 */
export async function compactBatch(db: SqliteDb, grain: RollupGrain, now: number, limit = 200): Promise<number> {
  const table = ROLLUP_TABLES[grain];
  const open = now - (now % (grain === 'hour' ? HOUR_MS : DAY_MS));
  return db.transaction(async () => {
    const rows = await db.all<{ bucket: number; client: string; feature: string; provider: string; model: string; error_code: string; http_status: number; lat: string; ttft: string }>(
      `SELECT bucket, client, feature, provider, model, error_code, http_status, lat, ttft FROM ${table}
       WHERE pending > 0 AND (pending >= ? OR bucket < ?) LIMIT ?`,
      [PENDING_LIMIT, open, limit],
    );
    for (const r of rows) {
      const lat = new LatencySketch();
      lat.addText(r.lat);
      const ttft = new LatencySketch();
      ttft.addText(r.ttft);
      await db.runPrepared(
        `UPDATE ${table} SET lat = ?, ttft = ?, pending = 0
         WHERE bucket = ? AND client = ? AND feature = ? AND provider = ? AND model = ? AND error_code = ? AND http_status = ?`,
        [lat.toText(), ttft.toText(), r.bucket, r.client, r.feature, r.provider, r.model, r.error_code, r.http_status],
      );
    }
    return rows.length;
  });
}
