/**
 * The hourly and daily rollups of the requests table (docs/usage-at-scale.md). Migration 6 kept
 * them with triggers inside each INSERT; migration 8 replaced those with the background roller
 * (rollupRoll.ts), so writing a row costs the reply path nothing extra.
 *
 * The SQL of ROLLUP_MIGRATION is shipped schema: never edit it, add a migration instead.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const ROLLUP_TABLES = { hour: 'usage_hourly', day: 'usage_daily' } as const;

/**
 * The same sketches without dimensions, one row per bucket: an unfiltered question over a
 * year merges 365 of these instead of tens of thousands of per-dimension ones.
 */
export const SKETCH_TABLES = { hour: 'usage_hourly_sketch', day: 'usage_daily_sketch' } as const;
export type RollupGrain = keyof typeof ROLLUP_TABLES;

/** The key of a rollup row: the bucket's start (UTC) and every dimension a query can filter or group on. */
export const ROLLUP_KEY = ['bucket', 'client', 'feature', 'provider', 'model', 'error_code', 'http_status'] as const;

/** The additive columns, in the order the backfill's upsert binds them. */
export const ROLLUP_SUMS = [
  'requests',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'unpriced',
  'estimated',
  'cache_hits',
  'cache_saved_usd',
] as const;

function table(name: string): string {
  return `CREATE TABLE ${name} (
    bucket INTEGER NOT NULL,
    client TEXT NOT NULL,
    feature TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    error_code TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    unpriced INTEGER NOT NULL,
    estimated INTEGER NOT NULL,
    cache_hits INTEGER NOT NULL,
    cache_saved_usd REAL NOT NULL,
    lat TEXT NOT NULL,
    ttft TEXT NOT NULL,
    pending INTEGER NOT NULL,
    PRIMARY KEY (${ROLLUP_KEY.join(', ')})
  ) WITHOUT ROWID;`;
}

/** `excluded` adds to the row in place; bins are appended and compacted later (rollupCompactor.ts). */
function onConflictAdd(): string {
  return `ON CONFLICT (${ROLLUP_KEY.join(', ')}) DO UPDATE SET
    ${ROLLUP_SUMS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
    lat = lat || excluded.lat, ttft = ttft || excluded.ttft, pending = pending + excluded.pending`;
}

function trigger(name: string, ms: number): string {
  return `CREATE TRIGGER ${name}_add AFTER INSERT ON requests BEGIN
    INSERT INTO ${name} VALUES (
      NEW.started_at - NEW.started_at % ${ms}, NEW.client, NEW.feature, IFNULL(NEW.provider, ''), IFNULL(NEW.model, ''),
      IFNULL(NEW.error_code, ''), IFNULL(NEW.http_status, 0),
      1, NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.reasoning_tokens,
      IFNULL(NEW.cost_usd, 0), NEW.cost_usd IS NULL, NEW.cost_estimated != 0, NEW.cache != 'none',
      CASE WHEN NEW.cache != 'none' THEN NEW.cost_saved_usd ELSE 0 END,
      IFNULL(NEW.latency_bin || ' ', ''), IFNULL(NEW.ttft_bin || ' ', ''), 1
    ) ${onConflictAdd()};
  END;`;
}

function sketchTable(name: string): string {
  return `CREATE TABLE ${name} (
    bucket INTEGER PRIMARY KEY, lat TEXT NOT NULL, ttft TEXT NOT NULL, pending INTEGER NOT NULL
  ) WITHOUT ROWID;`;
}

const SKETCH_CONFLICT =
  'ON CONFLICT (bucket) DO UPDATE SET lat = lat || excluded.lat, ttft = ttft || excluded.ttft, pending = pending + excluded.pending';

function sketchTrigger(name: string, ms: number): string {
  return `CREATE TRIGGER ${name}_add AFTER INSERT ON requests WHEN NEW.latency_bin IS NOT NULL BEGIN
    INSERT INTO ${name} VALUES (NEW.started_at - NEW.started_at % ${ms}, NEW.latency_bin || ' ', IFNULL(NEW.ttft_bin || ' ', ''), 1)
    ${SKETCH_CONFLICT};
  END;`;
}

/**
 * Adds the rollups. latency_bin and ttft_bin are the row's sketch bins (latencySketch.ts),
 * computed in JS at insert and null for a failed request. Rows already in the ledger are added
 * by the background backfill (rollupBackfill.ts), up to `backfill_end`, the last id before the
 * trigger existed; until it finishes, queries read the raw rows.
 */
export const ROLLUP_MIGRATION = `
  ALTER TABLE requests ADD COLUMN latency_bin INTEGER;
  ALTER TABLE requests ADD COLUMN ttft_bin INTEGER;
  ${table(ROLLUP_TABLES.hour)}
  ${table(ROLLUP_TABLES.day)}
  CREATE INDEX usage_hourly_pending ON usage_hourly (pending) WHERE pending > 0;
  CREATE INDEX usage_daily_pending ON usage_daily (pending) WHERE pending > 0;
  ${trigger(ROLLUP_TABLES.hour, HOUR_MS)}
  ${trigger(ROLLUP_TABLES.day, DAY_MS)}
  ${sketchTable(SKETCH_TABLES.hour)}
  ${sketchTable(SKETCH_TABLES.day)}
  CREATE INDEX usage_hourly_sketch_pending ON usage_hourly_sketch (pending) WHERE pending > 0;
  CREATE INDEX usage_daily_sketch_pending ON usage_daily_sketch (pending) WHERE pending > 0;
  ${sketchTrigger(SKETCH_TABLES.hour, HOUR_MS)}
  ${sketchTrigger(SKETCH_TABLES.day, DAY_MS)}
  CREATE TABLE usage_rollup_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT INTO usage_rollup_state (key, value) VALUES
    ('backfill_end', (SELECT IFNULL(MAX(id), 0) FROM requests)),
    ('backfill_cursor', 0),
    ('raw_since', 0);
`;

/**
 * Migration 8: the rollups are no longer written by triggers inside each row's INSERT (four
 * upserts, about 90 µs on the reply path) but folded in by the background roller
 * (rollupRoll.ts), which moves `rolled_to` in the same transaction as the rows it adds. Every
 * row up to the current last id went through the triggers (or is the backfill's), so the
 * roller starts after it. `experiments` reads its arms' rows through a partial index (rows
 * without an arm cost it nothing).
 */
export const LAZY_ROLLUP_MIGRATION = `
  DROP TRIGGER IF EXISTS ${ROLLUP_TABLES.hour}_add;
  DROP TRIGGER IF EXISTS ${ROLLUP_TABLES.day}_add;
  DROP TRIGGER IF EXISTS ${SKETCH_TABLES.hour}_add;
  DROP TRIGGER IF EXISTS ${SKETCH_TABLES.day}_add;
  INSERT INTO usage_rollup_state (key, value) VALUES ('rolled_to', (SELECT IFNULL(MAX(id), 0) FROM requests));
  CREATE INDEX requests_experiment_arm ON requests (experiment_arm, started_at) WHERE experiment_arm IS NOT NULL;
`;

/**
 * The fold's and the backfill's upsert: the same addition the trigger made, for a group of rows at
 * once. A new row's bins are already compact; an append onto an existing row counts one piece
 * for the compactor (rollupCompactor.ts), which rewrites the row once its bucket has closed or
 * 64 pieces were appended. (Counting nothing left a busy day's sketch as long as its requests,
 * one fold every few seconds, and every question over it parsed all of that text.)
 */
export function upsertSql(grain: RollupGrain): string {
  const columns = [...ROLLUP_KEY, ...ROLLUP_SUMS, 'lat', 'ttft', 'pending'];
  const values = columns.map(() => '?').join(', ');
  return `INSERT INTO ${ROLLUP_TABLES[grain]} (${columns.join(', ')}) VALUES (${values}) ${onConflictAppend()}`;
}

export function upsertSketchSql(grain: RollupGrain): string {
  return `INSERT INTO ${SKETCH_TABLES[grain]} (bucket, lat, ttft, pending) VALUES (?, ?, ?, ?) ${SKETCH_APPEND}`;
}

function onConflictAppend(): string {
  return `ON CONFLICT (${ROLLUP_KEY.join(', ')}) DO UPDATE SET
    ${ROLLUP_SUMS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
    lat = lat || excluded.lat, ttft = ttft || excluded.ttft, pending = pending + excluded.pending + 1`;
}

const SKETCH_APPEND =
  'ON CONFLICT (bucket) DO UPDATE SET lat = lat || excluded.lat, ttft = ttft || excluded.ttft, ' +
  'pending = pending + excluded.pending + 1';

/**
 * The version of a dimension-free sketch row, taken from one counter for both tables at every
 * insert and every change of its text, whoever writes it (the roller, the backfill, the
 * compactor, a later migration): the daemon keeps parsed sketches of closed buckets
 * (rollupSketchCache.ts) and re-reads a bucket only when its version is not the one it parsed.
 * A counter, not a per-row count, so a row deleted and written again never repeats a version.
 */
function sketchVersionTriggers(name: string): string {
  const bump = `BEGIN
    UPDATE usage_rollup_state SET value = value + 1 WHERE key = 'sketch_version';
    UPDATE ${name} SET version = (SELECT value FROM usage_rollup_state WHERE key = 'sketch_version')
      WHERE bucket = NEW.bucket;
  END;`;
  return `ALTER TABLE ${name} ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
  CREATE TRIGGER ${name}_version_insert AFTER INSERT ON ${name} ${bump}
  CREATE TRIGGER ${name}_version_update AFTER UPDATE OF lat, ttft ON ${name} ${bump}`;
}

/** Migration 9: sketch versions (sketchVersionTriggers). Rows already there keep version 0 until they change. */
export const SKETCH_VERSION_MIGRATION = `
  INSERT INTO usage_rollup_state (key, value) VALUES ('sketch_version', 0);
  ${sketchVersionTriggers(SKETCH_TABLES.hour)}
  ${sketchVersionTriggers(SKETCH_TABLES.day)}
`;
