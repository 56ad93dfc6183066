import type { UsageFilters } from '../../protocol/usage';
import { LatencySketch } from './latencySketch';
import { rollupGate } from './rollupGate';
import { planRollups, type RollupPlan, type TimeRange } from './rollupPlan';
import { readRollupState } from './rollupState';
import { ROLLUP_TABLES, SKETCH_TABLES, type RollupGrain } from './rollupSchema';
import type { SqliteDb, SqlValue } from './sqlite';

export type GroupDim = 'day' | 'hour' | 'month' | 'feature' | 'model' | 'provider';

export interface AggregateQuery {
  /** Inclusive, ms since the epoch. */
  since: number;
  /** Exclusive. */
  until: number;
  filters?: UsageFilters;
  /** Zero or more dimensions; at most one of day, hour and month. */
  groupBy: readonly GroupDim[];
  utcOffsetMinutes: number;
  /** Latency and TTFT sketches too; sums alone are cheaper. */
  sketches: boolean;
}

export interface UsageSums {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  estimated: number;
  unpriced: number;
  cacheHits: number;
  cacheSavedUsd: number;
}

export interface Aggregate extends UsageSums {
  keys: string[];
  errorsByCode: Record<string, number>;
  errorsByStatus: Record<string, number>;
  latency: LatencySketch;
  ttft: LatencySketch;
}

export interface AggregateResult {
  /** By JSON.stringify(keys). */
  groups: Map<string, Aggregate>;
  /** Raw rows before this time are gone (retention); 0 when all are kept. */
  rawSince: number;
  /** Parts of the range answered by whole hours because their raw rows are gone. */
  roundedToHour: boolean;
  /** The rollups of an older ledger are still being built: the answer came from the raw rows. */
  migrating: boolean;
}

interface SumRow {
  k0?: string;
  k1?: string;
  k2?: string;
  k3?: string;
  error_code: string;
  http_status: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  unpriced: number;
  estimated: number;
  cache_hits: number;
  cache_saved_usd: number;
  lat?: string | null;
  ttft?: string | null;
}

const TIME_DIMS = ['day', 'hour', 'month'] as const;

/** A raw-row page for the sketches; small, as the raw parts are the sub-hour edges. */
const RAW_PAGE = 5000;

/**
 * Counts, sums and percentiles of a range, grouped, computed in SQLite over the rollups and
 * (for the edges finer than an hour) the raw rows: nothing proportional to the range's rows is
 * held in memory. See rollupPlan.ts for which store answers which part.
 */
export function aggregateUsage(db: SqliteDb, q: AggregateQuery): Promise<AggregateResult> {
  return rollupGate(db).read(() => aggregate(db, q));
}

async function aggregate(db: SqliteDb, q: AggregateQuery): Promise<AggregateResult> {
  const state = await readRollupState(db);
  const timeGroup = TIME_DIMS.find((d) => q.groupBy.includes(d)) ?? null;
  const plan: RollupPlan = planRollups({
    since: q.since,
    until: q.until,
    timeGroup,
    utcOffsetMinutes: q.utcOffsetMinutes,
    rawSince: state.rawSince,
    rollupsReady: state.ready,
  });
  const groups = new Map<string, Aggregate>();
  // Unfiltered and grouped by time only: the dimension-free sketches answer the percentiles.
  const bucketSketches =
    q.sketches && !hasFilters(q.filters) && q.groupBy.every((d) => (TIME_DIMS as readonly GroupDim[]).includes(d));
  for (const grain of ['day', 'hour'] as RollupGrain[]) {
    if (plan[grain].length === 0) continue;
    addSumRows(
      groups,
      await rollupRows(db, grain, plan[grain], { ...q, sketches: q.sketches && !bucketSketches }),
      q.groupBy.length,
    );
    if (bucketSketches) addSumRows(groups, await sketchRows(db, grain, plan[grain], q), q.groupBy.length);
  }
  if (plan.raw.length > 0) {
    addSumRows(groups, await rawSumRows(db, plan.raw, q), q.groupBy.length);
    if (q.sketches) for (const range of plan.raw) await addRawSketches(db, range, q, groups);
  }
  // The tail: rows written since the roller's last fold, inside the parts the rollups answered.
  const rolled = [...plan.hour, ...plan.day];
  if (state.ready && rolled.length > 0) {
    addSumRows(groups, await rawSumRows(db, rolled, q, state.rolledTo), q.groupBy.length);
    if (q.sketches) for (const range of rolled) await addRawSketches(db, range, q, groups, state.rolledTo);
  }
  return { groups, rawSince: state.rawSince, roundedToHour: plan.roundedToHour, migrating: !state.ready };
}

function keyExpressions(q: AggregateQuery, source: 'rollup' | 'raw'): { select: string[]; params: SqlValue[] } {
  const time = source === 'rollup' ? 'bucket' : 'started_at';
  const none = (column: string) =>
    source === 'rollup' ? `CASE ${column} WHEN '' THEN '(none)' ELSE ${column} END` : `IFNULL(${column}, '(none)')`;
  const select: string[] = [];
  const params: SqlValue[] = [];
  q.groupBy.forEach((dim, i) => {
    switch (dim) {
      case 'day':
        select.push(`strftime('%Y-%m-%d', (${time} + ?) / 1000, 'unixepoch') AS k${i}`);
        params.push(q.utcOffsetMinutes * 60_000);
        break;
      case 'hour':
        select.push(`strftime('%Y-%m-%dT%H', (${time} + ?) / 1000, 'unixepoch') AS k${i}`);
        params.push(q.utcOffsetMinutes * 60_000);
        break;
      case 'month':
        select.push(`strftime('%Y-%m', (${time} + ?) / 1000, 'unixepoch') AS k${i}`);
        params.push(q.utcOffsetMinutes * 60_000);
        break;
      case 'feature':
        select.push(`feature AS k${i}`);
        break;
      case 'model':
        select.push(`${none('model')} AS k${i}`);
        break;
      case 'provider':
        select.push(`${none('provider')} AS k${i}`);
        break;
    }
  });
  return { select, params };
}

function whereClause(
  column: string,
  ranges: readonly TimeRange[],
  filters: UsageFilters | undefined,
): { where: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  const terms = ranges.map((r) => {
    params.push(r.from, r.to);
    return `(${column} >= ? AND ${column} < ?)`;
  });
  const parts = [`(${terms.join(' OR ')})`];
  const f = filters ?? {};
  for (const [name, value] of [
    ['feature', f.feature],
    ['provider', f.provider],
    ['model', f.model],
    ['client', f.client],
  ] as const) {
    if (value !== undefined) {
      parts.push(`${name} = ?`);
      params.push(value);
    }
  }
  return { where: parts.join(' AND '), params };
}

function groupClause(q: AggregateQuery): string {
  return ['error_code', 'http_status', ...q.groupBy.map((_, i) => `k${i}`)].join(', ');
}

async function rollupRows(
  db: SqliteDb,
  grain: RollupGrain,
  ranges: readonly TimeRange[],
  q: AggregateQuery,
): Promise<SumRow[]> {
  const keys = keyExpressions(q, 'rollup');
  const where = whereClause('bucket', ranges, q.filters);
  const sketches = q.sketches ? ", group_concat(lat, '') AS lat, group_concat(ttft, '') AS ttft" : '';
  return db.all<SumRow>(
    `SELECT ${[...keys.select, 'error_code', 'http_status'].join(', ')},
       SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
       SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
       SUM(reasoning_tokens) AS reasoning_tokens, SUM(cost_usd) AS cost_usd, SUM(unpriced) AS unpriced,
       SUM(estimated) AS estimated, SUM(cache_hits) AS cache_hits, SUM(cache_saved_usd) AS cache_saved_usd${sketches}
     FROM ${ROLLUP_TABLES[grain]} WHERE ${where.where} GROUP BY ${groupClause(q)}`,
    [...keys.params, ...where.params],
  );
}

function hasFilters(f: UsageFilters | undefined): boolean {
  return f !== undefined && Object.values(f).some((v) => v !== undefined);
}

/** Sketch-only rows (every sum zero), from SKETCH_TABLES, grouped by the time key. */
async function sketchRows(
  db: SqliteDb,
  grain: RollupGrain,
  ranges: readonly TimeRange[],
  q: AggregateQuery,
): Promise<SumRow[]> {
  const keys = keyExpressions(q, 'rollup');
  const where = whereClause('bucket', ranges, undefined);
  return db.all<SumRow>(
    `SELECT ${[...keys.select, "'' AS error_code", '0 AS http_status'].join(', ')},
       0 AS requests, 0 AS input_tokens, 0 AS output_tokens, 0 AS cache_read_tokens, 0 AS cache_write_tokens,
       0 AS reasoning_tokens, 0 AS cost_usd, 0 AS unpriced, 0 AS estimated, 0 AS cache_hits, 0 AS cache_saved_usd,
       group_concat(lat, '') AS lat, group_concat(ttft, '') AS ttft
     FROM ${SKETCH_TABLES[grain]} WHERE ${where.where} GROUP BY ${q.groupBy.map((_, i) => `k${i}`).join(', ') || "''"}`,
    [...keys.params, ...where.params],
  );
}

/** Raw rows' sums; with `afterId`, only the rows after it, found by id (the tail is short). */
async function rawSumRows(
  db: SqliteDb,
  ranges: readonly TimeRange[],
  q: AggregateQuery,
  afterId?: number,
): Promise<SumRow[]> {
  const keys = keyExpressions(q, 'raw');
  const where = whereClause('started_at', ranges, q.filters);
  const from = tailFrom(where, afterId);
  return db.all<SumRow>(
    `SELECT ${[...keys.select, "IFNULL(error_code, '') AS error_code", 'IFNULL(http_status, 0) AS http_status'].join(', ')},
       COUNT(*) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
       SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
       SUM(reasoning_tokens) AS reasoning_tokens, SUM(IFNULL(cost_usd, 0)) AS cost_usd,
       SUM(cost_usd IS NULL) AS unpriced, SUM(cost_estimated != 0) AS estimated, SUM(cache != 'none') AS cache_hits,
       SUM(CASE WHEN cache != 'none' THEN cost_saved_usd ELSE 0 END) AS cache_saved_usd
     FROM ${from} WHERE ${where.where} GROUP BY ${groupClause(q)}`,
    [...keys.params, ...where.params],
  );
}

/**
 * The FROM of a raw read. For the tail, NOT INDEXED keeps SQLite on the id range (a few rows)
 * instead of a time index over the whole range; the id condition joins the WHERE's params.
 */
function tailFrom(where: { where: string; params: SqlValue[] }, afterId: number | undefined): string {
  if (afterId === undefined) return 'requests';
  where.where = `id > ? AND ${where.where}`;
  where.params.unshift(afterId);
  return 'requests NOT INDEXED';
}

/** Raw latencies go into the sketches a page at a time (keyset on started_at, id). */
async function addRawSketches(
  db: SqliteDb,
  range: TimeRange,
  q: AggregateQuery,
  groups: Map<string, Aggregate>,
  afterId?: number,
): Promise<void> {
  const keys = keyExpressions(q, 'raw');
  const where = whereClause('started_at', [range], q.filters);
  const from = tailFrom(where, afterId);
  let cursor: { at: number; id: number } = { at: range.from, id: -1 };
  for (;;) {
    const rows = await db.all<{
      k0?: string;
      k1?: string;
      k2?: string;
      k3?: string;
      id: number;
      started_at: number;
      latency_ms: number;
      ttft_ms: number | null;
    }>(
      `SELECT ${[...keys.select, 'id', 'started_at', 'latency_ms', 'ttft_ms'].join(', ')} FROM ${from}
       WHERE ${where.where} AND (error_code IS NULL OR error_code = 'cancelled') AND (started_at > ? OR (started_at = ? AND id > ?))
       ORDER BY started_at, id LIMIT ${RAW_PAGE}`,
      [...keys.params, ...where.params, cursor.at, cursor.at, cursor.id],
    );
    for (const r of rows) {
      const g = groupFor(groups, rowKeys(r, q.groupBy.length));
      g.latency.add(r.latency_ms);
      if (r.ttft_ms !== null) g.ttft.add(r.ttft_ms);
    }
    if (rows.length < RAW_PAGE) return;
    const last = rows[rows.length - 1]!;
    cursor = { at: last.started_at, id: last.id };
  }
}

function rowKeys(r: { k0?: string; k1?: string; k2?: string; k3?: string }, n: number): string[] {
  return [r.k0, r.k1, r.k2, r.k3].slice(0, n).map((k) => String(k));
}

function groupFor(groups: Map<string, Aggregate>, keys: string[]): Aggregate {
  const id = JSON.stringify(keys);
  let g = groups.get(id);
  if (!g)
    groups.set(
      id,
      (g = {
        keys,
        ...emptySums(),
        errorsByCode: {},
        errorsByStatus: {},
        latency: new LatencySketch(),
        ttft: new LatencySketch(),
      }),
    );
  return g;
}

export function emptySums(): UsageSums {
  return {
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    estimated: 0,
    unpriced: 0,
    cacheHits: 0,
    cacheSavedUsd: 0,
  };
}

function addSumRows(groups: Map<string, Aggregate>, rows: readonly SumRow[], nKeys: number): void {
  for (const r of rows) {
    const g = groupFor(groups, rowKeys(r, nKeys));
    g.requests += r.requests;
    g.inputTokens += r.input_tokens;
    g.outputTokens += r.output_tokens;
    g.cacheReadTokens += r.cache_read_tokens;
    g.cacheWriteTokens += r.cache_write_tokens;
    g.reasoningTokens += r.reasoning_tokens;
    g.costUsd += r.cost_usd;
    g.unpriced += r.unpriced;
    g.estimated += r.estimated;
    g.cacheHits += r.cache_hits;
    g.cacheSavedUsd += r.cache_saved_usd;
    // Client cancellations are the user's choice, not a failure (usageGroups.ts isError).
    if (r.error_code !== '' && r.error_code !== 'cancelled') {
      g.errors += r.requests;
      g.errorsByCode[r.error_code] = (g.errorsByCode[r.error_code] ?? 0) + r.requests;
      const status = r.http_status === 0 ? 'none' : String(r.http_status);
      g.errorsByStatus[status] = (g.errorsByStatus[status] ?? 0) + r.requests;
    }
    g.latency.addText(r.lat);
    g.ttft.addText(r.ttft);
  }
}

/** Merges every group into one: the total of a grouped answer. */
export function totalOf(groups: Iterable<Aggregate>): Aggregate {
  const t: Aggregate = {
    keys: [],
    ...emptySums(),
    errorsByCode: {},
    errorsByStatus: {},
    latency: new LatencySketch(),
    ttft: new LatencySketch(),
  };
  for (const g of groups) {
    for (const k of Object.keys(emptySums()) as (keyof UsageSums)[]) t[k] += g[k];
    for (const [c, n] of Object.entries(g.errorsByCode)) t.errorsByCode[c] = (t.errorsByCode[c] ?? 0) + n;
    for (const [s, n] of Object.entries(g.errorsByStatus)) t.errorsByStatus[s] = (t.errorsByStatus[s] ?? 0) + n;
    t.latency.merge(g.latency);
    t.ttft.merge(g.ttft);
  }
  return t;
}
