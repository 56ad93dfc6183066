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

/** The rows of experiment requests since a time, with their ratings: what per-arm results are computed from. */
export async function experimentRows(db: SqliteDb, since: number): Promise<ExperimentRow[]> {
  const rows = await db.all<{
    request_id: string;
    experiment_arm: string;
    latency_ms: number;
    error_code: string | null;
    cost_usd: number | null;
    rating: number | null;
    reason: string | null;
  }>(
    `SELECT r.request_id, r.experiment_arm, r.latency_ms, r.error_code, r.cost_usd, t.rating, t.reason
     FROM requests r LEFT JOIN ratings t ON t.request_id = r.request_id
     WHERE r.experiment_arm IS NOT NULL AND r.started_at >= ?`,
    [since],
  );
  return rows.map((r) => ({
    requestId: r.request_id,
    experimentArm: r.experiment_arm,
    latencyMs: r.latency_ms,
    errorCode: r.error_code,
    costUsd: r.cost_usd,
    rating:
      r.rating === 1 || r.rating === -1 ? { rating: r.rating, reason: r.reason === 'retry' ? 'retry' : 'user' } : null,
  }));
}

export interface ExperimentRow {
  requestId: string;
  /** "experimentId/arm". */
  experimentArm: string;
  latencyMs: number;
  errorCode: string | null;
  costUsd: number | null;
  rating: Rating | null;
}
