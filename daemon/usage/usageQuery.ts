import type { UsageQueryParams, UsageQueryResult } from '../../protocol/usage';
import { localUtcOffsetMinutes } from './calendarKey';
import { selectRows } from './ledgerQueries';
import { countErrors, groupRows, summarizeRows } from './usageGroups';
import type { UsageLedger } from './usageLedger';

/**
 * `usage/query`: the rows of the range are read once and aggregated here, so percentiles are
 * exact and every grouping shares one code path. A year of a heavy user's requests is a few
 * hundred thousand small rows, well within what one pass in JS handles.
 */
export async function queryUsage(ledger: UsageLedger, params: UsageQueryParams, now: number): Promise<UsageQueryResult> {
  const until = params.until ?? now + 1;
  const groupBy = params.groupBy ?? 'day';
  const offset = params.utcOffsetMinutes ?? localUtcOffsetMinutes(now);
  const rows = await selectRows(ledger.reader(), { since: params.since, until, ...(params.filters ? { filters: params.filters } : {}) });
  const errors = countErrors(rows);
  return {
    since: params.since,
    until,
    groupBy,
    groups: groupRows(rows, groupBy, offset),
    total: summarizeRows('total', rows),
    errorsByCode: errors.byCode,
    errorsByStatus: errors.byStatus,
    ledger: ledger.status(),
  };
}
