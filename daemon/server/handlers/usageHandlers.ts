import type { ConduitErrorData } from '../../../protocol/errors';
import { AlertsListRequest, UsageExportRequest, UsageLiveRequest, UsageMetricsRequest, UsageQueryRequest } from '../../../protocol/usage';
import type { AlertMonitor } from '../../usage/alertMonitor';
import { exportUsage } from '../../usage/usageExport';
import { latencyMetrics } from '../../usage/latencyMetrics';
import { liveUsage } from '../../usage/liveUsage';
import { parseExportParams, parseMetricsParams, parseQueryParams, UsageParamsError } from '../../usage/usageParams';
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
    connection.onRequest(UsageQueryRequest.type, (params) => answer(ctx.requireAuth, () => queryUsage(deps.ledger, parseQueryParams(params), now()), usageErrorData));
    connection.onRequest(UsageExportRequest.type, (params) => answer(ctx.requireAuth, () => exportUsage(deps.ledger, parseExportParams(params), now()), usageErrorData));
    connection.onRequest(UsageMetricsRequest.type, (params) => answer(ctx.requireAuth, () => latencyMetrics(deps.ledger, parseMetricsParams(params).filters, now()), usageErrorData));
    connection.onRequest(UsageLiveRequest.type, () => answer(ctx.requireAuth, async () => liveUsage(deps.ledger, now()), usageErrorData));
    connection.onRequest(AlertsListRequest.type, () => answer(ctx.requireAuth, async () => deps.alerts.list(), usageErrorData));
  };
}

function usageErrorData(err: unknown): ConduitErrorData {
  return err instanceof UsageParamsError ? { code: 'bad_request', message: err.message }
    : { code: 'internal', message: `The usage query failed: ${err instanceof Error ? err.message : String(err)}` };
}
