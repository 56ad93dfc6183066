import type { UsageFilters } from '../../protocol/usage';
import { LatencySketch } from './latencySketch';
import { rollupGate } from './rollupGate';
import { planRollups, type RollupPlan, type TimeRange } from './rollupPlan';
import { readRollupState } from './rollupState';
import { ROLLUP_SUMS, ROLLUP_TABLES, SKETCH_TABLES } from './rollupSchema';
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

const TIME_DIMS = ['day', 'hour', 'month'] as const;

/** A raw-row page for the sketches; small, as the raw parts are the sub-hour edges. */
const RAW_PAGE = 5000;

/** The raw columns behind each of ROLLUP_SUMS, summed as the fold sums them (rollupFold.ts). */
const RAW_SUMS: Record<(typeof ROLLUP_SUMS)[number], string> = {
  requests: '1',
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  cache_read_tokens: 'cache_read_tokens',
  cache_write_tokens: 'cache_write_tokens',
  reasoning_tokens: 'reasoning_tokens',
  cost_usd: 'IFNULL(cost_usd, 0)',
  unpriced: 'cost_usd IS NULL',
  estimated: 'cost_estimated != 0',
  cache_hits: "cache != 'none'",
  cache_saved_usd: "CASE WHEN cache != 'none' THEN cost_saved_usd ELSE 0 END",
};

/** Client cancellations are the user's choice, not a failure (usageGroups.ts isError). */
const IS_ERROR = "error_code NOT IN ('', 'cancelled')";

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
  const result = { groups, rawSince: state.rawSince, roundedToHour: plan.roundedToHour, migrating: !state.ready };
  // The tail: rows written since the roller's last fold, inside the parts the rollups answered.
  const rolled = [...plan.hour, ...plan.day];
  const tail = state.ready && rolled.length > 0 ? rolled : [];
  if (plan.raw.length === 0 && rolled.length === 0) return result;
  // Unfiltered and grouped by time only: the dimension-free sketches answer the percentiles.
  const bucketSketches =
    q.sketches && !hasFilters(q.filters) && q.groupBy.every((d) => (TIME_DIMS as readonly GroupDim[]).includes(d));
  const packed = await db.get<PackedAnswer>(...packedQuery(q, plan, tail, state.rolledTo, bucketSketches));
  if (packed) addPacked(groups, packed, q.groupBy.length, q.sketches && !bucketSketches);
  if (q.sketches) {
    if (plan.raw.length > 0) await addRawSketches(db, plan.raw, q, groups);
    // Most answers have no tail to read: the roller folds every few seconds.
    if (tail.length > 0 && (packed?.last_id ?? 0) > state.rolledTo)
      await addRawSketches(db, tail, q, groups, state.rolledTo);
  }
  return result;
}

/** One row: every group's sums, its errors by code and status, and its sketches, as JSON array elements. */
interface PackedAnswer {
  sums: string | null;
  errors: string | null;
  sketches: string | null;
  last_id: number | null;
}

/**
 * The whole answer but the raw rows' latencies, in one statement and one row. Thousands of
 * result rows cost more crossing from SQLite's thread as objects than SQLite takes to compute
 * them, so each group is printed as a JSON array in SQL and the groups joined into one text.
 * SQLite prints a REAL with the digits that read back to the same double, so sums stay exact.
 *
 * Each store's part is summed by bucket first, where the rollup's key order lets SQLite sum as
 * it reads (no sort when grouped by time only), and only those sums are put in calendar groups:
 * a calendar key per rollup row cost more than the rest of a year's question.
 */
function packedQuery(
  q: AggregateQuery,
  plan: RollupPlan,
  tail: readonly TimeRange[],
  rolledTo: number,
  bucketSketches: boolean,
): [string, SqlValue[]] {
  const rowSketches = q.sketches && !bucketSketches;
  const concatSketches = "group_concat(lat, '') AS lat, group_concat(ttft, '') AS ttft";
  // The raw columns the non-time dimensions group on, as the rollups hold them ('' for none).
  const dims = (['feature', 'provider', 'model'] as const).filter((d) => q.groupBy.includes(d));
  const sumParts: { sql: string; params: SqlValue[] }[] = [];
  const errorParts: { sql: string; params: SqlValue[] }[] = [];
  // One part per range: with an OR of ranges, SQLite would rather read the whole table in
  // bucket order (to skip a sort) than seek to each range.
  for (const grain of ['day', 'hour'] as const) {
    for (const range of plan[grain]) {
      const table = ROLLUP_TABLES[grain];
      const where = whereClause('bucket', [range], q.filters);
      const by = ['bucket', ...dims].join(', ');
      sumParts.push({
        sql:
          `SELECT ${[`bucket AS t`, ...dims, ...ROLLUP_SUMS.map((c) => `SUM(${c}) AS ${c}`)].join(', ')}, ` +
          `SUM(CASE WHEN ${IS_ERROR} THEN requests ELSE 0 END) AS errors, ` +
          `${rowSketches ? concatSketches : 'NULL AS lat, NULL AS ttft'} ` +
          `FROM ${table} WHERE ${where.where} GROUP BY ${by}`,
        params: where.params,
      });
      errorParts.push({
        sql:
          `SELECT ${['bucket AS t', ...dims, 'error_code', 'http_status', 'SUM(requests) AS n'].join(', ')} ` +
          `FROM ${table} WHERE ${where.where} AND ${IS_ERROR} GROUP BY ${by}, error_code, http_status`,
        params: [...where.params],
      });
    }
  }
  const raw = (ranges: readonly TimeRange[], afterId?: number) => {
    const where = whereClause('started_at', ranges, q.filters);
    const from = tailFrom(where, afterId);
    const columns = ['started_at AS t', ...dims.map((d) => (d === 'feature' ? d : `IFNULL(${d}, '') AS ${d}`))];
    sumParts.push({
      sql:
        `SELECT ${[...columns, ...ROLLUP_SUMS.map((c) => `${RAW_SUMS[c]} AS ${c}`)].join(', ')}, ` +
        `IFNULL(error_code, '') NOT IN ('', 'cancelled') AS errors, NULL AS lat, NULL AS ttft ` +
        `FROM ${from} WHERE ${where.where}`,
      params: where.params,
    });
    errorParts.push({
      sql:
        `SELECT ${[...columns, 'error_code', 'IFNULL(http_status, 0) AS http_status', '1 AS n'].join(', ')} ` +
        `FROM ${from} WHERE ${where.where} AND IFNULL(error_code, '') NOT IN ('', 'cancelled')`,
      params: [...where.params],
    });
  };
  if (plan.raw.length > 0) raw(plan.raw);
  if (tail.length > 0) raw(tail, rolledTo);
  const keys = keyExpressions(q, 't');
  const keyNames = q.groupBy.map((_, i) => `k${i}`);
  const json = (items: string[]) => `'[' || ${items.join(" || ',' || ")} || ']'`;
  const quotedKeys = keyNames.map((k) => `json_quote(${k})`);
  const byKeys = (...more: string[]) =>
    keyNames.length + more.length > 0 ? `GROUP BY ${[...keyNames, ...more].join(', ')}` : '';
  const union = (parts: { sql: string }[]) => parts.map((x) => x.sql).join(' UNION ALL ');
  const sketchItems = ["json_quote(IFNULL(lat, ''))", "json_quote(IFNULL(ttft, ''))"];
  const sumItems = [...quotedKeys, ...ROLLUP_SUMS, 'errors', ...(rowSketches ? sketchItems : [])];
  const sums = `(SELECT group_concat(${json(sumItems)}, ',')
    FROM (SELECT ${[...keys, ...ROLLUP_SUMS.map((c) => `SUM(${c}) AS ${c}`), 'SUM(errors) AS errors'].join(', ')}
      ${rowSketches ? `, ${concatSketches}` : ''} FROM (${union(sumParts)}) ${byKeys()}))`;
  const errors = `(SELECT group_concat(${json([...quotedKeys, 'json_quote(error_code)', 'http_status', 'n'])}, ',')
    FROM (SELECT ${[...keys, 'error_code', 'http_status', 'SUM(n) AS n'].join(', ')}
      FROM (${union(errorParts)}) ${byKeys('error_code', 'http_status')}))`;
  const params = [...sumParts.flatMap((x) => x.params), ...errorParts.flatMap((x) => x.params)];
  let sketches = 'NULL';
  if (bucketSketches) {
    const sketchParts: string[] = [];
    for (const grain of ['day', 'hour'] as const) {
      for (const range of plan[grain]) {
        sketchParts.push(`SELECT bucket AS t, lat, ttft FROM ${SKETCH_TABLES[grain]} WHERE bucket >= ? AND bucket < ?`);
        params.push(range.from, range.to);
      }
    }
    // One element a bucket, grouped in JavaScript: grouping in SQL sorted the year's text.
    // Not JSON: quoting a year of sketch text cost about a third of the question. Time keys and
    // sketch text ("12:3 -4 ") hold no control characters, so two of them separate the fields.
    if (sketchParts.length > 0)
      sketches = `(SELECT group_concat(${[...keyNames, 'lat', 'ttft'].join(' || char(31) || ')}, char(30))
        FROM (SELECT ${[...keys, 'lat', 'ttft'].join(', ')} FROM (${sketchParts.join(' UNION ALL ')})))`;
  }
  return [
    `SELECT ${sums} AS sums, ${errors} AS errors, ${sketches} AS sketches, (SELECT MAX(id) FROM requests) AS last_id`,
    params,
  ];
}

/** The SQL of each grouping dimension, as k0, k1, …, over the time column `t`; offsets are integers, inlined. */
function keyExpressions(q: AggregateQuery, t: string): string[] {
  const offset = Math.trunc(q.utcOffsetMinutes) * 60_000;
  const time = (format: string) => `strftime('${format}', (${t} + ${offset}) / 1000, 'unixepoch')`;
  return q.groupBy.map((dim, i) => {
    switch (dim) {
      case 'day':
        return `${time('%Y-%m-%d')} AS k${i}`;
      case 'hour':
        return `${time('%Y-%m-%dT%H')} AS k${i}`;
      case 'month':
        return `${time('%Y-%m')} AS k${i}`;
      case 'feature':
        return `feature AS k${i}`;
      case 'model':
        return `IFNULL(NULLIF(model, ''), '(none)') AS k${i}`;
      case 'provider':
        return `IFNULL(NULLIF(provider, ''), '(none)') AS k${i}`;
    }
  });
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

function hasFilters(f: UsageFilters | undefined): boolean {
  return f !== undefined && Object.values(f).some((v) => v !== undefined);
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

/** Adds the packed answer's groups: [keys…, sums…, errors, (lat, ttft)], then errors and bucket sketches. */
function addPacked(groups: Map<string, Aggregate>, packed: PackedAnswer, nKeys: number, rowSketches: boolean): void {
  for (const item of parseElements(packed.sums)) {
    const g = groupFor(groups, item.slice(0, nKeys).map(String));
    const [requests, input, output, cacheRead, cacheWrite, reasoning, cost, unpriced, estimated, hits, saved, errors] =
      item.slice(nKeys, nKeys + 12) as number[];
    g.requests += requests!;
    g.inputTokens += input!;
    g.outputTokens += output!;
    g.cacheReadTokens += cacheRead!;
    g.cacheWriteTokens += cacheWrite!;
    g.reasoningTokens += reasoning!;
    g.costUsd += cost!;
    g.unpriced += unpriced!;
    g.estimated += estimated!;
    g.cacheHits += hits!;
    g.cacheSavedUsd += saved!;
    g.errors += errors!;
    if (rowSketches) {
      g.latency.addText(item[nKeys + 12] as string);
      g.ttft.addText(item[nKeys + 13] as string);
    }
  }
  for (const item of parseElements(packed.errors)) {
    const g = groupFor(groups, item.slice(0, nKeys).map(String));
    const [code, status, n] = item.slice(nKeys) as [string, number, number];
    g.errorsByCode[code] = (g.errorsByCode[code] ?? 0) + n;
    const key = status === 0 ? 'none' : String(status);
    g.errorsByStatus[key] = (g.errorsByStatus[key] ?? 0) + n;
  }
  for (const item of packed.sketches ? packed.sketches.split('\x1e') : []) {
    const fields = item.split('\x1f');
    const g = groupFor(groups, fields.slice(0, nKeys));
    g.latency.addText(fields[nKeys]);
    g.ttft.addText(fields[nKeys + 1]);
  }
}

function parseElements(text: string | null): (string | number)[][] {
  return text ? (JSON.parse(`[${text}]`) as (string | number)[][]) : [];
}

/** Raw latencies go into the sketches a page at a time (keyset on started_at, id). */
async function addRawSketches(
  db: SqliteDb,
  ranges: readonly TimeRange[],
  q: AggregateQuery,
  groups: Map<string, Aggregate>,
  afterId?: number,
): Promise<void> {
  const keys = keyExpressions(q, 'started_at');
  const where = whereClause('started_at', ranges, q.filters);
  const from = tailFrom(where, afterId);
  let cursor: { at: number; id: number } = { at: Math.min(...ranges.map((r) => r.from)), id: -1 };
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
      `SELECT ${[...keys, 'id', 'started_at', 'latency_ms', 'ttft_ms'].join(', ')} FROM ${from}
       WHERE ${where.where} AND (error_code IS NULL OR error_code = 'cancelled') AND (started_at > ? OR (started_at = ? AND id > ?))
       ORDER BY started_at, id LIMIT ${RAW_PAGE}`,
      [...where.params, cursor.at, cursor.at, cursor.id],
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
