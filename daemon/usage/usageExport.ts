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
  if (page.includeSamples) page.limit = await limitBySize(ledger, page);
  if (params.format === 'csv') {
    const { csv, csvRows, next } = await selectCsvPage(ledger.reader(), page);
    return { rows: [], csv, csvRows, next };
  }
  return selectPage(ledger.reader(), page);
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
