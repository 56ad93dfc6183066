import type { UsageExportParams, UsageExportResult } from '../../protocol/usage';
import { csvPageWhere, selectCsvPage, type CsvPageParams } from './csvExportPage';
import { selectPage } from './ledgerQueries';
import { ROW_BYTES_SQL, rowsWithin } from './sampleBytes';
import { MAX_EXPORT_PAGE } from './usageParams';
import type { UsageLedger } from './usageLedger';

/**
 * With samples, a page over IPC holds at most this much row text (one row at the least): 5,000
 * rows with samples of 100,000 characters would be a message of a gigabyte.
 */
export const SAMPLE_PAGE_BYTES = 1024 * 1024;

/** `usage/export`: raw rows, a page at a time so no single message grows without bound. */
export async function exportUsage(
  ledger: UsageLedger,
  params: UsageExportParams,
  now: number,
): Promise<UsageExportResult> {
  const page = {
    since: params.since,
    until: params.until ?? now + 1,
    ...(params.filters ? { filters: params.filters } : {}),
    limit: Math.min(params.limit ?? MAX_EXPORT_PAGE, MAX_EXPORT_PAGE),
    after: params.after ?? 0,
    includeSamples: params.includeSamples === true,
  };
  await ledger.settled();
  if (page.after === 0) page.after = await beforeFirstId(ledger, page.since, page.until);
  if (page.includeSamples) page.limit = await limitBySize(ledger, page);
  if (params.format === 'csv') {
    const { csv, csvRows, next } = await selectCsvPage(ledger.reader(), page);
    return { rows: [], csv, csvRows, next };
  }
  return selectPage(ledger.reader(), page);
}

/**
 * The cursor just before the range's first row. Pages walk the table by id (see selectPage), so a
 * first page from id 0 read every row older than the range, a whole year's for the panel's last 15
 * minutes (570-810 ms of its snapshot on 1,000,000 rows). The smallest id among the range's rows,
 * found on the started_at index, is exact: a row that started in the range cannot have a smaller id
 * than the smallest of them, whatever order requests finished in.
 */
async function beforeFirstId(ledger: UsageLedger, since: number, until: number): Promise<number> {
  const first = await ledger
    .reader()
    .get<{ id: number | null }>(
      'SELECT MIN(id) AS id FROM requests INDEXED BY requests_started_at WHERE started_at >= ? AND started_at < ?',
      [since, until],
    );
  // No row in the range: a cursor past every id gives the empty page the walk would have given.
  return first?.id != null ? first.id - 1 : Number.MAX_SAFE_INTEGER;
}

/** The page's rows that fit in SAMPLE_PAGE_BYTES, counted over the rows the filters keep. */
async function limitBySize(ledger: UsageLedger, page: CsvPageParams): Promise<number> {
  const { parts, params } = csvPageWhere(page);
  const sizes = await ledger
    .reader()
    .all<{ bytes: number }>(
      `SELECT ${ROW_BYTES_SQL} AS bytes FROM requests NOT INDEXED WHERE ${parts.join(' AND ')} AND id > ? ORDER BY id LIMIT ?`,
      [...params, page.after, page.limit],
    );
  return rowsWithin(sizes, SAMPLE_PAGE_BYTES);
}
