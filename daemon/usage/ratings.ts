import type { SqliteDb } from './sqlite';

export interface Rating {
  rating: 1 | -1;
  reason: 'user' | 'retry';
}

/** Stores a rating in the ledger's `ratings` table; a later rating of the same request replaces it. */
export async function saveRating(
  db: SqliteDb,
  requestId: string,
  rating: Rating,
  feature: string | undefined,
  at: number,
): Promise<void> {
  await db.transaction(() =>
    db.run(
      'INSERT INTO ratings (request_id, rating, reason, feature, rated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(request_id) DO UPDATE SET rating = excluded.rating, reason = excluded.reason, rated_at = excluded.rated_at',
      [requestId, rating.rating, rating.reason, feature ?? null, at],
    ),
  );
}

/** One arm's figures since a time, aggregated by SQLite: what per-arm results are computed from. */
export interface ArmStats {
  requests: number;
  errors: number;
  /** Successful requests, and the sum and sum of squares of their latencies. */
  ok: number;
  latencySum: number;
  latencySumSq: number;
  /** Nearest-rank percentiles of the successful requests' latencies; null when none succeeded. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Requests with a known price, and the sum and sum of squares of their costs. */
  priced: number;
  costSum: number;
  costSumSq: number;
  up: number;
  /** Thumbs down, retries included. */
  down: number;
  retries: number;
}

/**
 * Per-arm figures of experiment requests since a time ("experimentId/arm" → stats): counts and
 * sums in one grouped query, exact percentiles by an ordered lookup per arm, so nothing
 * proportional to the arm's requests is held in memory. Reads the partial index on
 * experiment_arm (migration 8), not the whole time range.
 */
export async function experimentStats(db: SqliteDb, since: number): Promise<Map<string, ArmStats>> {
  const rows = await db.all<{
    arm: string;
    requests: number;
    errors: number;
    ok: number;
    lat_sum: number | null;
    lat_sq: number | null;
    priced: number;
    cost_sum: number | null;
    cost_sq: number | null;
    up: number;
    down: number;
    retries: number;
  }>(
    `SELECT r.experiment_arm AS arm, COUNT(*) AS requests, SUM(r.error_code IS NOT NULL) AS errors,
       SUM(r.error_code IS NULL) AS ok,
       SUM(CASE WHEN r.error_code IS NULL THEN r.latency_ms END) AS lat_sum,
       SUM(CASE WHEN r.error_code IS NULL THEN r.latency_ms * r.latency_ms END) AS lat_sq,
       SUM(r.cost_usd IS NOT NULL) AS priced, SUM(r.cost_usd) AS cost_sum, SUM(r.cost_usd * r.cost_usd) AS cost_sq,
       SUM(IFNULL(t.rating = 1, 0)) AS up, SUM(IFNULL(t.rating = -1, 0)) AS down,
       SUM(IFNULL(t.rating IN (1, -1) AND t.reason = 'retry', 0)) AS retries
     FROM requests r LEFT JOIN ratings t ON t.request_id = r.request_id
     WHERE r.experiment_arm IS NOT NULL AND r.started_at >= ? GROUP BY r.experiment_arm`,
    [since],
  );
  const out = new Map<string, ArmStats>();
  for (const r of rows) {
    out.set(r.arm, {
      requests: r.requests,
      errors: r.errors,
      ok: r.ok,
      latencySum: r.lat_sum ?? 0,
      latencySumSq: r.lat_sq ?? 0,
      latencyP50Ms: await nearestRankLatency(db, r.arm, since, r.ok, 50),
      latencyP95Ms: await nearestRankLatency(db, r.arm, since, r.ok, 95),
      priced: r.priced,
      costSum: r.cost_sum ?? 0,
      costSumSq: r.cost_sq ?? 0,
      up: r.up,
      down: r.down,
      retries: r.retries,
    });
  }
  return out;
}

/** percentiles.ts nearestRank(), in SQLite: the value at rank ⌈p% of n⌉ of the arm's successful latencies. */
async function nearestRankLatency(
  db: SqliteDb,
  arm: string,
  since: number,
  n: number,
  p: number,
): Promise<number | null> {
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  const row = await db.get<{ latency_ms: number }>(
    `SELECT latency_ms FROM requests
     WHERE experiment_arm = ? AND experiment_arm IS NOT NULL AND started_at >= ? AND error_code IS NULL
     ORDER BY latency_ms LIMIT 1 OFFSET ?`,
    [arm, since, rank - 1],
  );
  return row?.latency_ms ?? null;
}
