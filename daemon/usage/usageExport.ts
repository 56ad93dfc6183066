import type { UsageExportParams, UsageExportResult } from '../../protocol/usage';
import { selectCsvPage } from './csvExportPage';
import { selectPage } from './ledgerQueries';
import { MAX_EXPORT_PAGE } from './usageParams';
import type { UsageLedger } from './usageLedger';

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
  if (params.format === 'csv') {
    const { csv, csvRows, next } = await selectCsvPage(ledger.reader(), page);
    return { rows: [], csv, csvRows, next };
  }
  return selectPage(ledger.reader(), page);
}
