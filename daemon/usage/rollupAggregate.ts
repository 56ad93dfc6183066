import type { UsageFilters } from '../../protocol/usage';
import { aggregateMemo } from './aggregateMemo';
import { LatencySketch } from './latencySketch';
import { rollupGate } from './rollupGate';
import { planRollups, type RollupPlan, type TimeRange } from './rollupPlan';
import type { RollupGrain } from './rollupSchema';
import { sketchCache, type CachedSketch } from './rollupSketchCache';
import { readRollupState } from './rollupState';
import {
  hasFilters,
  keyExpressions,
  packedQuery,
  sketchTextQuery,
  tailFrom,
  whereClause,
  type PackedAnswer,
} from './rollupSql';
import type { SqliteDb } from './sqlite';

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
  /** Errors by code and HTTP status too (the default); the panel's breakdown counts errors only. */
  errorDetail?: boolean;
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
  /**
   * Maps, not objects: a status such as 529 is an array index, and an object given one grows a
   * backing array of hundreds of slots (about 6 kB a group; the panel's breakdown of 90 days made
   * 11 MB of them a question).
   */
  errorsByCode: Map<string, number>;
  errorsByStatus: Map<string, number>;
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

/**
 * Counts, sums and percentiles of a range, grouped, computed in SQLite over the rollups and
 * (for the edges finer than an hour) the raw rows: nothing proportional to the range's rows is
 * held in memory. See rollupPlan.ts for which store answers which part. A question asked again
 * with nothing changed is answered from memory (aggregateMemo.ts): the answer is shared, read-only.
 */
export function aggregateUsage(db: SqliteDb, q: AggregateQuery): Promise<AggregateResult> {
  return aggregateMemo(db).answer(q, () => rollupGate(db).read(() => aggregate(db, q)));
}

/**
 * A group as the packed answer holds it: its keys, then its sums at these offsets past the keys
 * (the order packedQuery writes them in: ROLLUP_SUMS, then the errors), then its row sketches.
 */
export type PackedGroup = (string | number)[];
export const SUM_AT = {
  requests: 0,
  inputTokens: 1,
  outputTokens: 2,
  cacheReadTokens: 3,
  cacheWriteTokens: 4,
  reasoningTokens: 5,
  costUsd: 6,
  unpriced: 7,
  estimated: 8,
  cacheHits: 9,
  cacheSavedUsd: 10,
  errors: 11,
} as const satisfies Record<keyof UsageSums, number>;
const SUM_FIELDS = Object.entries(SUM_AT) as [keyof UsageSums, number][];

/**
 * The groups' keys and sums alone, one element a group as SQLite grouped them (no sketches, no
 * errors by code): for a caller that turns thousands of groups into rows of its own (the panel's
 * breakdown) without a Map entry, two sketches and two tallies a group on the way.
 */
export function groupSums(db: SqliteDb, q: Omit<AggregateQuery, 'sketches' | 'errorDetail'>): Promise<PackedGroup[]> {
  return rollupGate(db).read(async () => {
    const { packed } = await packedAnswer(db, { ...q, sketches: false, errorDetail: false });
    return parseElements(packed?.sums ?? null);
  });
}

/** The plan of a question and its one statement's answer (none when the range is empty). */
async function packedAnswer(db: SqliteDb, q: AggregateQuery) {
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
  // The tail: rows written since the roller's last fold, inside the parts the rollups answered.
  const rolled = [...plan.hour, ...plan.day];
  const tail = state.ready && rolled.length > 0 ? rolled : [];
  // Unfiltered and grouped by time only: the dimension-free sketches answer the percentiles.
  const bucketSketches =
    q.sketches && !hasFilters(q.filters) && q.groupBy.every((d) => (TIME_DIMS as readonly GroupDim[]).includes(d));
  if (plan.raw.length === 0 && rolled.length === 0) return { state, plan, tail, bucketSketches, packed: undefined };
  const cache = sketchCache(db);
  const known = bucketSketches ? cache.versions.bind(cache) : null;
  const packed = await db.get<PackedAnswer>(...packedQuery(q, plan, tail, state.rolledTo, known));
  return { state, plan, tail, bucketSketches, packed };
}

async function aggregate(db: SqliteDb, q: AggregateQuery): Promise<AggregateResult> {
  const { state, plan, tail, bucketSketches, packed } = await packedAnswer(db, q);
  const groups = new Map<string, Aggregate>();
  const result = { groups, rawSince: state.rawSince, roundedToHour: plan.roundedToHour, migrating: !state.ready };
  if (packed) addPacked(groups, packed, q.groupBy.length, q.sketches && !bucketSketches);
  if (packed?.sketches) await addBucketSketches(db, groups, packed.sketches, q.groupBy.length);
  if (q.sketches) {
    if (plan.raw.length > 0) await addRawSketches(db, plan.raw, q, groups);
    // Most answers have no tail to read: the roller folds every few seconds.
    if (tail.length > 0 && (packed?.last_id ?? 0) > state.rolledTo)
      await addRawSketches(db, tail, q, groups, state.rolledTo);
  }
  return result;
}

/** Adds the packed answer's groups: [keys…, sums…, errors, (lat, ttft)], then errors. */
function addPacked(groups: Map<string, Aggregate>, packed: PackedAnswer, nKeys: number, rowSketches: boolean): void {
  for (const item of parseElements(packed.sums)) {
    const g = groupFor(groups, item.slice(0, nKeys).map(String));
    for (const [field, at] of SUM_FIELDS) g[field] += item[nKeys + at] as number;
    if (rowSketches) {
      g.latency.addText(item[nKeys + SUM_FIELDS.length] as string);
      g.ttft.addText(item[nKeys + SUM_FIELDS.length + 1] as string);
    }
  }
  for (const item of parseElements(packed.errors)) {
    const g = groupFor(groups, item.slice(0, nKeys).map(String));
    const [code, status, n] = item.slice(nKeys) as [string, number, number];
    addTo(g.errorsByCode, code, n);
    addTo(g.errorsByStatus, status === 0 ? 'none' : String(status), n);
  }
}

/**
 * Merges each bucket's dimension-free sketches into its group ("keys…\x1fgrain\x1fbucket\x1fversion\x1fhit
 * \x1flat\x1fttft" elements): parsed from the text sent, or from the cache where the statement
 * found the version it holds. An entry another question evicted or replaced meanwhile is read again.
 */
async function addBucketSketches(
  db: SqliteDb,
  groups: Map<string, Aggregate>,
  items: string,
  nKeys: number,
): Promise<void> {
  const cache = sketchCache(db);
  const missing = { day: new Map<number, Aggregate>(), hour: new Map<number, Aggregate>() };
  const merge = (g: Aggregate, s: CachedSketch) => {
    g.latency.addBins(s.lat);
    g.ttft.addBins(s.ttft);
  };
  for (const item of items.split('\x1e')) {
    const fields = item.split('\x1f');
    const g = groupFor(groups, fields.slice(0, nKeys));
    const [grain, bucketText, version, hit, lat, ttft] = fields.slice(nKeys) as [
      RollupGrain,
      string,
      string,
      string,
      string,
      string,
    ];
    const bucket = Number(bucketText);
    if (hit === '0') {
      merge(g, cache.parse(grain, bucket, Number(version), lat, ttft));
      continue;
    }
    const cached = cache.get(grain, bucket, Number(version));
    if (cached) merge(g, cached);
    else missing[grain].set(bucket, g);
  }
  for (const grain of ['day', 'hour'] as const) {
    if (missing[grain].size === 0) continue;
    const row = await db.get<{ sketches: string | null }>(...sketchTextQuery(grain, [...missing[grain].keys()]));
    for (const item of row?.sketches ? row.sketches.split('\x1e') : []) {
      const [bucket, version, lat, ttft] = item.split('\x1f') as [string, string, string, string];
      merge(missing[grain].get(Number(bucket))!, cache.parse(grain, Number(bucket), Number(version), lat, ttft));
    }
  }
}

function addTo(tally: Map<string, number>, key: string, n: number): void {
  tally.set(key, (tally.get(key) ?? 0) + n);
}

function parseElements(text: string | null): PackedGroup[] {
  return text ? (JSON.parse(`[${text}]`) as PackedGroup[]) : [];
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
        errorsByCode: new Map(),
        errorsByStatus: new Map(),
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
    errorsByCode: new Map(),
    errorsByStatus: new Map(),
    latency: new LatencySketch(),
    ttft: new LatencySketch(),
  };
  for (const g of groups) {
    for (const k of Object.keys(emptySums()) as (keyof UsageSums)[]) t[k] += g[k];
    for (const [c, n] of g.errorsByCode) addTo(t.errorsByCode, c, n);
    for (const [s, n] of g.errorsByStatus) addTo(t.errorsByStatus, s, n);
    t.latency.merge(g.latency);
    t.ttft.merge(g.ttft);
  }
  return t;
}
