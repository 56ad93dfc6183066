import type { UsageFilters } from '../../protocol/usage';
import type { CsvKind, SqliteDb, SqlValue } from './sqlite';

/** ROW_CSV_HEADER's columns (usageCsv.ts), in order, with how each is printed. */
const COLUMNS: readonly [string, CsvKind][] = [
  ['request_id', 'text'],
  ['started_at', 'time'],
  ['client', 'text'],
  ['feature', 'text'],
  ['priority', 'text'],
  ['provider', 'text'],
  ['model', 'text'],
  ['tier', 'text'],
  ['experiment_arm', 'text'],
  ['input_tokens', 'num'],
  ['output_tokens', 'num'],
  ['cache_read_tokens', 'num'],
  ['cache_write_tokens', 'num'],
  ['reasoning_tokens', 'num'],
  ['cost_usd', 'num'],
  ['cost_saved_usd', 'num'],
  ['cost_estimated', 'bool'],
  ['latency_ms', 'num'],
  ['ttft_ms', 'num'],
  ['attempts', 'num'],
  ['error_code', 'text'],
  ['http_status', 'num'],
  ['fallback_path', 'text'],
  ['cache', 'text'],
  ['coalesced', 'bool'],
  ['stream', 'bool'],
  ['profile', 'text'],
  ['sample_prompt', 'text'],
  ['sample_response', 'text'],
  ['batch', 'bool'],
];

export interface CsvPageParams {
  since: number;
  until: number;
  filters?: UsageFilters;
  limit: number;
  after: number;
  includeSamples: boolean;
}

/**
 * One page of the export as CSV text, built on SQLite's thread from row arrays (SqliteDb.csv):
 * the page crosses into the daemon as one string instead of thousands of row objects, which is
 * what lets an export stream a year of rows at hundreds of thousands a second in constant memory.
 */
export async function selectCsvPage(
  db: SqliteDb,
  page: CsvPageParams,
): Promise<{ csv: string; csvRows: number; next: number | null }> {
  const parts = ['started_at >= ?', 'started_at < ?', 'id > ?'];
  const params: SqlValue[] = [page.since, page.until, page.after];
  const f = page.filters ?? {};
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
  const kinds = COLUMNS.map(([c, kind]): CsvKind => (!page.includeSamples && c.startsWith('sample_') ? 'skip' : kind));
  const columns = COLUMNS.map(([c]) => (!page.includeSamples && c.startsWith('sample_') ? 'NULL' : c));
  // NOT INDEXED: walked by id from the cursor, as selectPage (ledgerQueries.ts) explains.
  const { csv, rows, last } = await db.csv(
    `SELECT id, ${columns.join(', ')} FROM requests NOT INDEXED WHERE ${parts.join(' AND ')} ORDER BY id LIMIT ?`,
    [...params, page.limit],
    kinds,
  );
  return { csv, csvRows: rows, next: rows === page.limit && last !== null ? last : null };
}
