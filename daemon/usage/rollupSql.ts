import type { UsageFilters } from '../../protocol/usage';
import type { AggregateQuery } from './rollupAggregate';
import type { RollupPlan, TimeRange } from './rollupPlan';
import { DAY_MS, HOUR_MS, ROLLUP_SUMS, ROLLUP_TABLES, SKETCH_TABLES, type RollupGrain } from './rollupSchema';
import type { SqlValue } from './sqlite';
import { pushFilterTerms } from './usageFilterSql';

/** The SQL of a usage question over the rollups, the raw edges and the unfolded tail (rollupAggregate.ts runs it). */

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

/** The versions of a range's buckets the daemon has parsed, bucket i at range.from + i units (-1: none). */
export type KnownVersions = (grain: RollupGrain, range: TimeRange) => number[] | null;

const GRAIN_MS = { hour: HOUR_MS, day: DAY_MS } as const;

/** One row: every group's sums, its errors by code and status, and its sketches, as JSON array elements. */
export interface PackedAnswer {
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
export function packedQuery(
  q: AggregateQuery,
  plan: RollupPlan,
  tail: readonly TimeRange[],
  rolledTo: number,
  bucketSketches: KnownVersions | null,
): [string, SqlValue[]] {
  const rowSketches = q.sketches && bucketSketches === null;
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
  const errorDetail = q.errorDetail !== false;
  const errors = errorDetail
    ? `(SELECT group_concat(${json([...quotedKeys, 'json_quote(error_code)', 'http_status', 'n'])}, ',')
    FROM (SELECT ${[...keys, 'error_code', 'http_status', 'SUM(n) AS n'].join(', ')}
      FROM (${union(errorParts)}) ${byKeys('error_code', 'http_status')}))`
    : 'NULL';
  const params = [...sumParts.flatMap((x) => x.params), ...(errorDetail ? errorParts.flatMap((x) => x.params) : [])];
  let sketches = 'NULL';
  if (bucketSketches) {
    const sketchParts: string[] = [];
    for (const grain of ['day', 'hour'] as const) {
      for (const range of plan[grain]) {
        const known = bucketSketches(grain, range);
        // A bucket whose version the daemon has parsed sends no text (hit = 1).
        const hit = known
          ? `IFNULL(version = json_extract(?, '$[' || CAST((bucket - ?) / ${GRAIN_MS[grain]} AS INTEGER) || ']'), 0)`
          : '0';
        if (known) params.push(JSON.stringify(known), range.from);
        sketchParts.push(
          `SELECT grain, t, version, hit, CASE WHEN hit THEN '' ELSE lat END AS lat, ` +
            `CASE WHEN hit THEN '' ELSE ttft END AS ttft FROM (SELECT '${grain}' AS grain, bucket AS t, version, ` +
            `${hit} AS hit, lat, ttft FROM ${SKETCH_TABLES[grain]} WHERE bucket >= ? AND bucket < ?)`,
        );
        params.push(range.from, range.to);
      }
    }
    // One element a bucket, grouped in JavaScript, which keeps each bucket's parsed sketches by
    // version (rollupSketchCache.ts): a year's text, moved and parsed at every question, was
    // half its time. Not JSON: quoting a year of sketch text cost about a third of the question.
    // Time keys and sketch text ("12:3 -4 ") hold no control characters, so two of them separate
    // the fields.
    if (sketchParts.length > 0) {
      const fields = [...keyNames, 'grain', 't', 'version', 'hit', 'lat', 'ttft'];
      const columns = [...keys, ...fields.slice(keyNames.length)].join(', ');
      sketches = `(SELECT group_concat(${fields.join(' || char(31) || ')}, char(30))
        FROM (SELECT ${columns} FROM (${sketchParts.join(' UNION ALL ')})))`;
    }
  }
  return [
    `SELECT ${sums} AS sums, ${errors} AS errors, ${sketches} AS sketches, (SELECT MAX(id) FROM requests) AS last_id`,
    params,
  ];
}

/** The SQL of each grouping dimension, as k0, k1, …, over the time column `t`; offsets are integers, inlined. */
export function keyExpressions(q: AggregateQuery, t: string): string[] {
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

export function whereClause(
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
  pushFilterTerms(filters, parts, params);
  return { where: parts.join(' AND '), params };
}

export function hasFilters(f: UsageFilters | undefined): boolean {
  return f !== undefined && Object.values(f).some((v) => v !== undefined);
}

/**
 * The FROM of a raw read. For the tail, NOT INDEXED keeps SQLite on the id range (a few rows)
 * instead of a time index over the whole range; the id condition joins the WHERE's params.
 */
export function tailFrom(where: { where: string; params: SqlValue[] }, afterId: number | undefined): string {
  if (afterId === undefined) return 'requests';
  where.where = `id > ? AND ${where.where}`;
  where.params.unshift(afterId);
  return 'requests NOT INDEXED';
}

/**
 * The text and version of the given buckets' dimension-free sketches, as "bucket\x1fversion\x1flat\x1fttft"
 * elements joined by \x1e (sketch text is digits, colons, minus signs and spaces).
 */
export function sketchTextQuery(grain: RollupGrain, buckets: readonly number[]): [string, SqlValue[]] {
  return [
    `SELECT group_concat(bucket || char(31) || version || char(31) || lat || char(31) || ttft, char(30)) AS sketches
      FROM ${SKETCH_TABLES[grain]} WHERE bucket IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(buckets)],
  ];
}
