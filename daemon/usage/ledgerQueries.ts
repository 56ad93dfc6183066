import type { UsageFilters, UsageRow } from '../../protocol/usage';
import { SELECT_COLUMNS, toUsageRow, type DbRow } from './ledgerRow';
import { aggregateUsage, totalOf } from './rollupAggregate';
import type { SqliteDb, SqlValue } from './sqlite';

export interface RowRange {
  /** Inclusive, ms since the epoch. */
  since: number;
  /** Exclusive. */
  until: number;
  filters?: UsageFilters;
}

/**
 * The most recent rows of a range, without samples, oldest first, at most `limit` of them: the
 * live window's seed and the alerts' recent rows, bounded by count whatever the request rate.
 */
export async function selectRecentRows(db: SqliteDb, range: RowRange, limit: number): Promise<UsageRow[]> {
  const { where, params } = whereClause(range);
  const rows = await db.all<DbRow>(
    `SELECT id, ${SELECT_COLUMNS.join(', ')} FROM requests WHERE ${where} ORDER BY started_at DESC, id DESC LIMIT ?`,
    [...params, limit],
  );
  return rows.reverse().map(toUsageRow);
}

export interface PageParams extends RowRange {
  limit: number;
  /** The last row id of the previous page. */
  after: number;
  includeSamples: boolean;
}

/** One page of raw rows, in the order they were written; `next` is the cursor for the next page. */
export async function selectPage(db: SqliteDb, page: PageParams): Promise<{ rows: UsageRow[]; next: number | null }> {
  const { where, params } = whereClause(page);
  const columns = ['id', ...SELECT_COLUMNS, ...(page.includeSamples ? ['sample_prompt', 'sample_response'] : [])];
  // Walked by id from the cursor (NOT INDEXED still seeks on the rowid): with the started_at
  // index SQLite would sort the whole remaining range for every page, O(rows²) for an export.
  const rows = await db.all<DbRow>(
    `SELECT ${columns.join(', ')} FROM requests NOT INDEXED WHERE ${where} AND id > ? ORDER BY id LIMIT ?`,
    [...params, page.after, page.limit + 1],
  );
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  return { rows: kept.map(toUsageRow), next: more ? kept[kept.length - 1]!.id : null };
}

/** The rows with these ids, in id order (the export's rows whose CSV JavaScript prints). */
export async function selectRowsById(
  db: SqliteDb,
  ids: readonly number[],
  includeSamples: boolean,
): Promise<UsageRow[]> {
  const columns = ['id', ...SELECT_COLUMNS, ...(includeSamples ? ['sample_prompt', 'sample_response'] : [])];
  const rows = await db.all<DbRow>(
    `SELECT ${columns.join(', ')} FROM requests WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    [JSON.stringify(ids)],
  );
  return rows.map(toUsageRow);
}

/**
 * Cost per calendar day (at `utcOffsetMinutes`) in a range; days without requests are absent.
 * From the rollups: the cost-spike alert looks back a week and needs nothing else.
 */
export async function dailyCosts(
  db: SqliteDb,
  range: RowRange,
  utcOffsetMinutes: number,
): Promise<Map<string, number>> {
  const { groups } = await aggregateUsage(db, { ...range, groupBy: ['day'], utcOffsetMinutes, sketches: false });
  return new Map([...groups.values()].map((g) => [g.keys[0]!, g.costUsd]));
}

/** Requests and cache hits in a range, from the rollups. */
export async function cacheCounts(db: SqliteDb, range: RowRange): Promise<{ requests: number; hits: number }> {
  const { groups } = await aggregateUsage(db, { ...range, groupBy: [], utcOffsetMinutes: 0, sketches: false });
  const total = totalOf(groups.values());
  return { requests: total.requests, hits: total.cacheHits };
}

export async function countRows(db: SqliteDb): Promise<number> {
  return (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests'))?.n ?? 0;
}

function whereClause(range: RowRange): { where: string; params: SqlValue[] } {
  const parts = ['started_at >= ?', 'started_at < ?'];
  const params: SqlValue[] = [range.since, range.until];
  const f = range.filters ?? {};
  if (f.feature !== undefined) {
    parts.push('feature = ?');
    params.push(f.feature);
  }
  if (f.provider !== undefined) {
    parts.push('provider = ?');
    params.push(f.provider);
  }
  if (f.model !== undefined) {
    parts.push('model = ?');
    params.push(f.model);
  }
  if (f.client !== undefined) {
    parts.push('client = ?');
    params.push(f.client);
  }
  return { where: parts.join(' AND '), params };
}
