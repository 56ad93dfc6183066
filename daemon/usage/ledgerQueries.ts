import type { UsageFilters, UsageRow } from '../../protocol/usage';
import { SELECT_COLUMNS, toUsageRow, type DbRow } from './ledgerRow';
import type { SqliteDb, SqlValue } from './sqlite';

export interface RowRange {
  /** Inclusive, ms since the epoch. */
  since: number;
  /** Exclusive. */
  until: number;
  filters?: UsageFilters;
}

/** The rows of a range, without samples, oldest first: what every aggregate is computed from. */
export async function selectRows(db: SqliteDb, range: RowRange): Promise<UsageRow[]> {
  const { where, params } = whereClause(range);
  const rows = await db.all<DbRow>(`SELECT id, ${SELECT_COLUMNS.join(', ')} FROM requests WHERE ${where} ORDER BY started_at, id`, params);
  return rows.map(toUsageRow);
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
  const rows = await db.all<DbRow>(
    `SELECT ${columns.join(', ')} FROM requests WHERE ${where} AND id > ? ORDER BY id LIMIT ?`,
    [...params, page.after, page.limit + 1],
  );
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  return { rows: kept.map(toUsageRow), next: more ? kept[kept.length - 1]!.id : null };
}

/**
 * Cost per calendar day (at `utcOffsetMinutes`) in a range; days without requests are absent.
 * Summed in SQL because the cost-spike alert looks back a week and needs nothing else.
 */
export async function dailyCosts(db: SqliteDb, range: RowRange, utcOffsetMinutes: number): Promise<Map<string, number>> {
  const { where, params } = whereClause(range);
  const rows = await db.all<{ day: string; cost: number | null }>(
    `SELECT strftime('%Y-%m-%d', (started_at + ?) / 1000, 'unixepoch') AS day, SUM(cost_usd) AS cost
     FROM requests WHERE ${where} GROUP BY day`,
    [utcOffsetMinutes * 60_000, ...params],
  );
  return new Map(rows.map((r) => [r.day, r.cost ?? 0]));
}

/** Requests and cache hits in a range. */
export async function cacheCounts(db: SqliteDb, range: RowRange): Promise<{ requests: number; hits: number }> {
  const { where, params } = whereClause(range);
  const row = await db.get<{ requests: number; hits: number | null }>(
    `SELECT COUNT(*) AS requests, SUM(CASE WHEN cache != 'none' THEN 1 ELSE 0 END) AS hits FROM requests WHERE ${where}`,
    params,
  );
  return { requests: row?.requests ?? 0, hits: row?.hits ?? 0 };
}

export async function countRows(db: SqliteDb): Promise<number> {
  return (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests'))?.n ?? 0;
}

function whereClause(range: RowRange): { where: string; params: SqlValue[] } {
  const parts = ['started_at >= ?', 'started_at < ?'];
  const params: SqlValue[] = [range.since, range.until];
  const f = range.filters ?? {};
  if (f.feature !== undefined) { parts.push('feature = ?'); params.push(f.feature); }
  if (f.provider !== undefined) { parts.push('provider = ?'); params.push(f.provider); }
  if (f.model !== undefined) { parts.push('model = ?'); params.push(f.model); }
  if (f.client !== undefined) { parts.push('client = ?'); params.push(f.client); }
  return { where: parts.join(' AND '), params };
}
