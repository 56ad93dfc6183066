import type { ConduitErrorData } from '../../../protocol/errors';
import type { UsageBreakdownCell, UsageBreakdownParams, UsageBreakdownResult, UsageRow } from '../../../protocol/usage';
import {
  AlertsListRequest,
  UsageBreakdownRequest,
  UsageExportFileRequest,
  UsageExportRequest,
  UsageLiveRequest,
  UsageMetricsRequest,
  UsageQueryRequest,
} from '../../../protocol/usage';
import type { AlertMonitor } from '../../usage/alertMonitor';
import { dayKey, localUtcOffsetMinutes } from '../../usage/calendarKey';
import { breakdownFromRollups } from '../../usage/usageBreakdown';
import { isCacheHit, isError, roundUsd } from '../../usage/usageGroups';
import { exportUsage } from '../../usage/usageExport';
import { exportUsageFile } from '../../usage/usageExportFile';
import { latencyMetrics } from '../../usage/latencyMetrics';
import { liveUsage } from '../../usage/liveUsage';
import {
  parseExportFileParams,
  parseExportParams,
  parseMetricsParams,
  parseQueryParams,
  UsageParamsError,
} from '../../usage/usageParams';
import { queryUsage } from '../../usage/usageQuery';
import type { UsageLedger } from '../../usage/usageLedger';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface UsageHandlerDeps {
  ledger: UsageLedger;
  alerts: AlertMonitor;
  now?: () => number;
}

/** `usage/*` and `alerts/list`: thin, every figure comes from daemon/usage. */
export function usageHandlers(deps: UsageHandlerDeps): RegisterHandlers {
  const now = deps.now ?? Date.now;
  return (connection, ctx) => {
    connection.onRequest(UsageQueryRequest.type, (params) =>
      answer(ctx.requireAuth, () => queryUsage(deps.ledger, parseQueryParams(params), now()), usageErrorData),
    );
    connection.onRequest(UsageExportRequest.type, (params) =>
      answer(ctx.requireAuth, () => exportUsage(deps.ledger, parseExportParams(params), now()), usageErrorData),
    );
    connection.onRequest(UsageExportFileRequest.type, (params) =>
      answer(ctx.requireAuth, () => exportUsageFile(deps.ledger, parseExportFileParams(params), now()), usageErrorData),
    );
    connection.onRequest(UsageMetricsRequest.type, (params) =>
      answer(
        ctx.requireAuth,
        () => latencyMetrics(deps.ledger, parseMetricsParams(params).filters, now()),
        usageErrorData,
      ),
    );
    connection.onRequest(UsageLiveRequest.type, () =>
      answer(ctx.requireAuth, async () => liveUsage(deps.ledger, now()), usageErrorData),
    );
    connection.onRequest(UsageBreakdownRequest.type, (params) =>
      answer(ctx.requireAuth, () => breakdown(deps.ledger, params, now()), usageErrorData),
    );
    connection.onRequest(AlertsListRequest.type, () =>
      answer(ctx.requireAuth, async () => deps.alerts.list(), usageErrorData),
    );
  };
}

/** `usage/breakdown`: the same parameters as `usage/query` (groupBy only day or hour), one pass over the rows. */
async function breakdown(ledger: UsageLedger, input: UsageBreakdownParams, now: number): Promise<UsageBreakdownResult> {
  const params = parseQueryParams(input);
  if (params.groupBy !== undefined && params.groupBy !== 'day' && params.groupBy !== 'hour')
    throw new UsageParamsError(
      `invalid parameters: groupBy: usage/breakdown takes "day" or "hour", not "${params.groupBy}"`,
    );
  const until = params.until ?? now + 1;
  const offset = params.utcOffsetMinutes ?? localUtcOffsetMinutes(now);
  const range = { since: params.since, until, ...(params.filters ? { filters: params.filters } : {}) };
  await ledger.settled();
  return {
    since: params.since,
    until,
    cells: await breakdownFromRollups(ledger.reader(), range, offset, params.groupBy ?? 'day'),
    ledger: ledger.status(),
  };
}

export function breakdownCells(rows: readonly UsageRow[], utcOffsetMinutes: number): UsageBreakdownCell[] {
  const cells = new Map<string, UsageBreakdownCell>();
  for (const r of rows) {
    const day = dayKey(r.startedAt, utcOffsetMinutes);
    const provider = r.provider ?? '(none)';
    const model = r.model ?? '(none)';
    const key = JSON.stringify([day, provider, model, r.feature]);
    let c = cells.get(key);
    if (!c)
      cells.set(
        key,
        (c = {
          day,
          provider,
          model,
          feature: r.feature,
          requests: 0,
          errors: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          cacheHits: 0,
          cacheSavedUsd: 0,
        }),
      );
    c.requests++;
    if (isError(r)) c.errors++;
    c.inputTokens += r.inputTokens;
    c.outputTokens += r.outputTokens;
    c.costUsd += r.costUsd ?? 0;
    if (isCacheHit(r)) {
      c.cacheHits++;
      c.cacheSavedUsd += r.costSavedUsd;
    }
  }
  return [...cells.values()]
    .map((c) => ({ ...c, costUsd: roundUsd(c.costUsd), cacheSavedUsd: roundUsd(c.cacheSavedUsd) }))
    .sort((a, b) => a.day.localeCompare(b.day));
}

function usageErrorData(err: unknown): ConduitErrorData {
  return err instanceof UsageParamsError
    ? { code: 'bad_request', message: err.message }
    : { code: 'internal', message: `The usage query failed: ${err instanceof Error ? err.message : String(err)}` };
}
