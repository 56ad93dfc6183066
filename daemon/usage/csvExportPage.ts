import type { UsageFilters } from '../../protocol/usage';
import { selectRowsById } from './ledgerQueries';
import type { SqliteDb, SqlValue } from './sqlite';
import { csvLine, rowCsvCells } from './usageCsv';
import { pushFilterTerms } from './usageFilterSql';

type Kind = 'text' | 'int' | 'real' | 'bool' | 'time' | 'json';

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
  ['fallback_path', 'json'],
  ['cache', 'text'],
  ['coalesced', 'bool'],
  ['stream', 'bool'],
  ['profile', 'text'],
  ['sample_prompt', 'text'],
  ['sample_response', 'text'],
  ['batch', 'bool'],
];

/**
 * A cell as csvCell() of usageCsv.ts prints it when no text needs care: text as it is, NULL as
 * nothing (concat() reads NULL as ''). Whether some text did need care (a quote, a comma, a line
 * break, a formula's first character, a marker) is checked on the line afterwards (LINE).
 */
function plainCell(column: string, kind: Kind): string {
  switch (kind) {
    case 'int':
    case 'text':
    case 'json':
      return column;
    // SQLite prints a double in 15 digits or 17 ("1.5e-06", "60.696888549911262"), JavaScript
    // in the fewest that round-trip ("0.0000015", "60.69688854991126"): js_join() is String().
    case 'real':
      return `js_join(${column})`;
    case 'bool':
      // toUsageRow() reads a flag as `=== 1`.
      return `CASE WHEN ${column} = 1 THEN 'true' ELSE 'false' END`;
    // new Date(ms).toISOString(); datetime() with 'subsec' costs 0.2 µs a row less than the
    // strftime() of the same text (bench/usageExportBench.ts, stage 1).
    case 'time':
      return `concat(replace(datetime(${column} / 1000.0, 'unixepoch', 'subsec'), ' ', 'T'), 'Z')`;
  }
}

function plainLineSql(includeSamples: boolean): string {
  const cells: string[] = [];
  for (let i = 0; i < COLUMNS.length; i++) {
    const [c, kind] = COLUMNS[i]!;
    if (!includeSamples && c.startsWith('sample_')) cells.push("''");
    else if (kind !== 'real') cells.push(plainCell(c, kind));
    else {
      // A run of reals (and the flags between them) in one call: see js_join.
      const run: string[] = [];
      for (; i < COLUMNS.length && (COLUMNS[i]![1] === 'real' || COLUMNS[i]![1] === 'bool'); i++) {
        const [rc, rkind] = COLUMNS[i]!;
        run.push(rkind === 'real' ? rc : plainCell(rc, rkind));
      }
      i--;
      cells.push(`js_join(${run.join(', ')})`);
    }
  }
  // One concat() builds the line in one buffer: `a || ',' || b ...` copied the growing line at
  // every step, and each cell needed an IFNULL (a fifth of a row's cost, bench/usageExportBench.ts).
  return `concat(${cells.join(", ',', ")})`;
}

/** One cell's pattern where SQLite's plain text is surely csvCell()'s; see LINE. */
function cellPattern(kind: Kind): string {
  switch (kind) {
    // No quote, comma, tab, CR or LF anywhere; no formula's first character first.
    case 'text':
      return '(?:[^",\\t\\r\\n=+@\\-][^",\\t\\r\\n]*)?';
    case 'int':
      return '\\d*';
    case 'real':
      return '[-+.0-9e]*';
    case 'bool':
      return '(?:true|false)';
    case 'time':
      return '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    // The path as stored; any but the empty one is re-printed from its parsed form.
    case 'json':
      return '\\[\\]';
  }
}

/**
 * A plain line that is exactly what csvLine(rowCsvCells(row)) prints, once its reals are
 * re-printed: one cell per column (no text held a comma), none needing quotes or an apostrophe.
 * A line that does not match is printed by JavaScript from its row instead.
 */
const LINE_BODY = COLUMNS.map(([, kind]) => cellPattern(kind)).join(',');
export const LINE = new RegExp(`^${LINE_BODY}$`);
/** A page whose every line is LINE: checked in one pass, without splitting the page into lines. */
export const PAGE = new RegExp(`^(?:${LINE_BODY}\\n)*${LINE_BODY}$`);

export interface CsvPageParams {
  since: number;
  until: number;
  filters?: UsageFilters;
  limit: number;
  after: number;
  includeSamples: boolean;
}

/** The WHERE clause and its parameters shared by the paged export and the export workers. */
export function csvPageWhere(page: Omit<CsvPageParams, 'limit' | 'after'>): { parts: string[]; params: SqlValue[] } {
  const parts = ['started_at >= ?', 'started_at < ?'];
  const params: SqlValue[] = [page.since, page.until];
  pushFilterTerms(page.filters, parts, params);
  return { parts, params };
}

/**
 * The page query: one row of the page's lines joined, their ids, the last id and the count.
 * `bounds` is the keyset and window part (`id > ? ... LIMIT ?`, or an id range), in SQL.
 */
export function csvPageSql(parts: readonly string[], includeSamples: boolean, bounds: string): string {
  // NOT INDEXED: walked by id from the cursor, as selectPage (ledgerQueries.ts) explains.
  return `SELECT group_concat(line, char(10)) AS csv, group_concat(id) AS ids, MAX(id) AS last, COUNT(*) AS n FROM (
       SELECT id, ${plainLineSql(includeSamples)} AS line FROM requests NOT INDEXED
       WHERE ${parts.join(' AND ')} ${bounds})`;
}

/** The indexes of a page's lines that JavaScript must print from their rows; see LINE. */
export function slowLines(csv: string, ids: readonly number[]): number[] {
  const lines = csv.split('\n');
  // A text held a line break, so lines and rows no longer pair up: JavaScript prints the page.
  if (lines.length !== ids.length) return [...ids.keys()];
  const slow: number[] = [];
  for (let i = 0; i < lines.length; i++) if (!LINE.test(lines[i]!)) slow.push(i);
  return slow;
}

/**
 * One page of the export as CSV text, built by SQLite: the page crosses into JavaScript as one
 * string instead of thousands of row objects. SQLite joins the cells of every row (the reals
 * printed by String(), see js_number); the lines whose text needed quoting or escaping (a few
 * rows at most) are printed again by JavaScript from their rows (csvLine(rowCsvCells())), so the
 * text is byte for byte what the CLI writes from rows.
 */
export async function selectCsvPage(
  db: SqliteDb,
  page: CsvPageParams,
): Promise<{ csv: string; csvRows: number; next: number | null }> {
  const { parts, params } = csvPageWhere(page);
  const row = await db.get<{ csv: string | null; ids: string | null; last: number; n: number }>(
    csvPageSql([...parts, 'id > ?'], page.includeSamples, 'ORDER BY id LIMIT ?'),
    [...params, page.after, page.limit],
  );
  if (!row || row.n === 0 || row.csv === null || row.ids === null) return { csv: '', csvRows: 0, next: null };
  const next = row.n === page.limit ? row.last : null;
  // The common case: every line is plain, and the page goes as SQLite built it (no copies).
  if (PAGE.test(row.csv)) return { csv: row.csv + '\n', csvRows: row.n, next };
  const ids = row.ids.split(',').map(Number);
  const lines = row.csv.split('\n');
  const slow = slowLines(row.csv, ids);
  const rows = await selectRowsById(
    db,
    slow.map((i) => ids[i]!),
    page.includeSamples,
  );
  lines.length = ids.length;
  slow.forEach((at, k) => {
    lines[at] = csvLine(rowCsvCells(rows[k]!)).slice(0, -1);
  });
  return { csv: lines.join('\n') + '\n', csvRows: ids.length, next };
}
