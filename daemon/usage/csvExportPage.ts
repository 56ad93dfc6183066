import type { UsageFilters } from '../../protocol/usage';
import type { SqliteDb, SqlValue } from './sqlite';

type Kind = 'text' | 'int' | 'real' | 'bool' | 'time';

/** ROW_CSV_HEADER's columns (usageCsv.ts), in order, with how each is printed. */
const COLUMNS: readonly [string, Kind][] = [
  ['request_id', 'text'],
  ['started_at', 'time'],
  ['client', 'text'],
  ['feature', 'text'],
  ['priority', 'text'],
  ['provider', 'text'],
  ['model', 'text'],
  ['tier', 'text'],
  ['experiment_arm', 'text'],
  ['input_tokens', 'int'],
  ['output_tokens', 'int'],
  ['cache_read_tokens', 'int'],
  ['cache_write_tokens', 'int'],
  ['reasoning_tokens', 'int'],
  ['cost_usd', 'real'],
  ['cost_saved_usd', 'real'],
  ['cost_estimated', 'bool'],
  ['latency_ms', 'real'],
  ['ttft_ms', 'real'],
  ['attempts', 'int'],
  ['error_code', 'text'],
  ['http_status', 'int'],
  ['fallback_path', 'text'],
  ['cache', 'text'],
  ['coalesced', 'bool'],
  ['stream', 'bool'],
  ['profile', 'text'],
  ['sample_prompt', 'text'],
  ['sample_response', 'text'],
  ['batch', 'bool'],
];

/** csvCell() of usageCsv.ts, in SQL: a formula-looking text gets an apostrophe, then quoting if needed. */
function cell(column: string, kind: Kind): string {
  switch (kind) {
    case 'int':
      return `IFNULL(CAST(${column} AS TEXT), '')`;
    // A whole REAL prints as JS prints it ("500", not "500.0").
    case 'real':
      return `CASE WHEN ${column} IS NULL THEN '' WHEN ${column} = CAST(${column} AS INTEGER) THEN CAST(CAST(${column} AS INTEGER) AS TEXT) ELSE CAST(${column} AS TEXT) END`;
    case 'bool':
      return `CASE WHEN ${column} != 0 THEN 'true' ELSE 'false' END`;
    case 'time':
      return `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;
    case 'text': {
      const safe = `(CASE WHEN substr(${column}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || ${column} ELSE ${column} END)`;
      const needsQuotes = `(instr(${column}, '"') OR instr(${column}, ',') OR instr(${column}, char(10)) OR instr(${column}, char(13)))`;
      return `CASE WHEN ${column} IS NULL THEN '' WHEN ${needsQuotes} THEN '"' || replace(${safe}, '"', '""') || '"' ELSE ${safe} END`;
    }
  }
}

function lineSql(includeSamples: boolean): string {
  return (
    COLUMNS.map(([c, kind]) => (!includeSamples && c.startsWith('sample_') ? "''" : cell(c, kind))).join(
      " || ',' || ",
    ) + ' || char(10)'
  );
}

export interface CsvPageParams {
  since: number;
  until: number;
  filters?: UsageFilters;
  limit: number;
  after: number;
  includeSamples: boolean;
}

/**
 * One page of the export as CSV text, built by SQLite: the page crosses into JavaScript as one
 * string instead of thousands of row objects, which is what lets an export stream a year of
 * rows at hundreds of thousands a second in constant memory.
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
  // NOT INDEXED: walked by id from the cursor, as selectPage (ledgerQueries.ts) explains.
  const row = await db.get<{ csv: string | null; last: number | null; n: number }>(
    `SELECT group_concat(line, '') AS csv, MAX(id) AS last, COUNT(*) AS n FROM (
       SELECT id, ${lineSql(page.includeSamples)} AS line FROM requests NOT INDEXED
       WHERE ${parts.join(' AND ')} ORDER BY id LIMIT ?)`,
    [...params, page.limit],
  );
  const n = row?.n ?? 0;
  return { csv: row?.csv ?? '', csvRows: n, next: n === page.limit && row?.last != null ? row.last : null };
}
