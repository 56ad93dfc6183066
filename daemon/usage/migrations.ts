import { LAZY_ROLLUP_MIGRATION, ROLLUP_MIGRATION, SKETCH_VERSION_MIGRATION } from './rollupSchema';
import type { SqliteDb } from './sqlite';

/**
 * The ledger's schema, as an ordered list. Migration N brings the database from version N-1 to
 * N (PRAGMA user_version). A shipped migration is never edited: a change is a new entry.
 */
export const migrations: readonly string[] = [
  // 1: one row per logical request. request_id is UNIQUE so a repeated write is a no-op.
  `CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    started_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    client TEXT NOT NULL,
    feature TEXT NOT NULL,
    priority TEXT NOT NULL,
    provider TEXT,
    model TEXT,
    tier TEXT,
    experiment_arm TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL,
    cost_estimated INTEGER NOT NULL DEFAULT 0,
    latency_ms REAL NOT NULL,
    ttft_ms REAL,
    attempts INTEGER NOT NULL,
    error_code TEXT,
    http_status INTEGER,
    fallback_path TEXT NOT NULL DEFAULT '[]',
    cache TEXT NOT NULL DEFAULT 'none',
    coalesced INTEGER NOT NULL DEFAULT 0,
    stream INTEGER NOT NULL DEFAULT 0,
    profile TEXT NOT NULL DEFAULT 'default',
    sample_prompt TEXT,
    sample_response TEXT
  );`,
  // 2: every query selects a time range first, and the CLI filters by feature and model.
  `CREATE INDEX requests_started_at ON requests (started_at);
   CREATE INDEX requests_feature_started_at ON requests (feature, started_at);
   CREATE INDEX requests_model_started_at ON requests (model, started_at);`,
  // 3: a cache hit spends nothing; what it would have cost is kept apart, so sums of cost_usd
  // are what was really spent.
  `ALTER TABLE requests ADD COLUMN cost_saved_usd REAL NOT NULL DEFAULT 0;`,
  // 4: the user's ratings of answers (feedback/rate), one per request, the latest winning; a
  // retry of an answer is a -1 with reason 'retry'. Experiments join them to the arm's rows.
  `CREATE TABLE ratings (
    request_id TEXT PRIMARY KEY,
    rating INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT 'user',
    feature TEXT,
    rated_at INTEGER NOT NULL
  );`,
  // 5: rows for requests sent through a provider's Batch API (priced at its batch rate), and
  // the batch job each came from, so `conduit usage` can tell them apart.
  `ALTER TABLE requests ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE requests ADD COLUMN batch_id TEXT;`,
  // 6: hourly and daily rollups kept by a trigger, with latency and TTFT sketches (rollupSchema.ts).
  ROLLUP_MIGRATION,
  // 7: the calling tool's name for requests through the local HTTP endpoint (User-Agent or
  // x-conduit-client), so usage can be told apart by tool.
  `ALTER TABLE requests ADD COLUMN client_name TEXT;`,
  // 8: the rollups are folded in by a background roller instead of four triggers per INSERT.
  LAZY_ROLLUP_MIGRATION,
  // 9: a version on each dimension-free sketch row, so the daemon re-parses only sketches that changed.
  SKETCH_VERSION_MIGRATION,
];

export const SCHEMA_VERSION = migrations.length;

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

export async function schemaVersion(db: SqliteDb): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/**
 * Applies the missing migrations, each in its own transaction together with its version bump,
 * so a crash leaves the database at one version or the next, never between. `target` exists
 * for tests that need an old-version database.
 */
export async function migrate(db: SqliteDb, target: number = SCHEMA_VERSION): Promise<number> {
  const current = await schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    // Written by a newer Conduit: do not touch it, a downgrade would lose columns.
    throw new SchemaTooNewError(
      `${db.file} has schema version ${current}, newer than this Conduit knows (${SCHEMA_VERSION}). Update Conduit.`,
    );
  }
  for (let version = current + 1; version <= target; version++) {
    const sql = migrations[version - 1]!;
    await db.transaction(async () => {
      await db.exec(sql);
      await db.exec(`PRAGMA user_version = ${version}`);
    });
  }
  return Math.max(current, target);
}
