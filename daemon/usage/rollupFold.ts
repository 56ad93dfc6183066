import { binOf, LatencySketch } from './latencySketch';
import { DAY_MS, HOUR_MS, ROLLUP_SUMS, upsertSketchSql, upsertSql, type RollupGrain } from './rollupSchema';
import type { SqliteDb, SqlValue } from './sqlite';

/** The raw columns a rollup row is made from. */
export const FOLD_COLUMNS =
  'id, started_at, client, feature, provider, model, error_code, http_status, input_tokens, output_tokens, ' +
  'cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, cost_estimated, cache, cost_saved_usd, ' +
  'latency_ms, ttft_ms';

export interface FoldRow {
  id: number;
  started_at: number;
  client: string;
  feature: string;
  provider: string | null;
  model: string | null;
  error_code: string | null;
  http_status: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  cost_estimated: number;
  cache: string;
  cost_saved_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
}

interface Bucket {
  key: SqlValue[];
  sums: number[];
  lat: LatencySketch;
  ttft: LatencySketch;
}

/**
 * Adds a group of raw rows to the hourly and daily rollups and their dimension-free sketches:
 * the rows are summed in memory first, so each bucket costs one upsert however many rows it
 * gets. Call it inside the transaction that also moves the cursor saying these rows are in.
 */
export async function foldIntoRollups(db: SqliteDb, rows: readonly FoldRow[]): Promise<void> {
  const buckets = { hour: new Map<string, Bucket>(), day: new Map<string, Bucket>() };
  const sketches = { hour: new Map<number, Bucket>(), day: new Map<number, Bucket>() };
  for (const r of rows) {
    add(buckets.hour, r, HOUR_MS);
    add(buckets.day, r, DAY_MS);
    addSketch(sketches.hour, r, HOUR_MS);
    addSketch(sketches.day, r, DAY_MS);
  }
  for (const grain of ['hour', 'day'] as RollupGrain[]) {
    for (const b of buckets[grain].values()) {
      await db.runPrepared(upsertSql(grain), [...b.key, ...b.sums, b.lat.toText(), b.ttft.toText(), 0]);
    }
    for (const b of sketches[grain].values()) {
      if (b.lat.count > 0)
        await db.runPrepared(upsertSketchSql(grain), [b.key[0]!, b.lat.toText(), b.ttft.toText(), 0]);
    }
  }
}

/** One row's share of its bucket: the columns of ROLLUP_SUMS, in order. */
function add(map: Map<string, Bucket>, r: FoldRow, ms: number): void {
  const key: SqlValue[] = [
    r.started_at - (r.started_at % ms),
    r.client,
    r.feature,
    r.provider ?? '',
    r.model ?? '',
    r.error_code ?? '',
    r.http_status ?? 0,
  ];
  const id = JSON.stringify(key);
  let b = map.get(id);
  if (!b)
    map.set(
      id,
      (b = {
        key,
        sums: new Array<number>(ROLLUP_SUMS.length).fill(0),
        lat: new LatencySketch(),
        ttft: new LatencySketch(),
      }),
    );
  const hit = r.cache !== 'none';
  const values = [
    1,
    r.input_tokens,
    r.output_tokens,
    r.cache_read_tokens,
    r.cache_write_tokens,
    r.reasoning_tokens,
    r.cost_usd ?? 0,
    r.cost_usd === null ? 1 : 0,
    r.cost_estimated !== 0 ? 1 : 0,
    hit ? 1 : 0,
    hit ? r.cost_saved_usd : 0,
  ];
  values.forEach((v, i) => {
    b.sums[i]! += v;
  });
  if (r.error_code === null || r.error_code === 'cancelled') {
    b.lat.addBin(binOf(r.latency_ms));
    if (r.ttft_ms !== null) b.ttft.addBin(binOf(r.ttft_ms));
  }
}

/** The dimension-free sketch of the row's bucket (rollupSchema.ts SKETCH_TABLES). */
function addSketch(map: Map<number, Bucket>, r: FoldRow, ms: number): void {
  if (r.error_code !== null && r.error_code !== 'cancelled') return;
  const bucket = r.started_at - (r.started_at % ms);
  let b = map.get(bucket);
  if (!b) map.set(bucket, (b = { key: [bucket], sums: [], lat: new LatencySketch(), ttft: new LatencySketch() }));
  b.lat.addBin(binOf(r.latency_ms));
  if (r.ttft_ms !== null) b.ttft.addBin(binOf(r.ttft_ms));
}
