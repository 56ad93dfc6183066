import {
  BudgetStatusRequest,
  ExperimentsResultsRequest,
  RouterExplainRequest,
  type BudgetStatusResult,
  type ExperimentsResultsResult,
  type RouterExplainResult,
} from '../../../protocol';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface RouterHandlerDeps {
  /** The routing decision and worst-case cost for a request; nothing is sent. */
  explain: (request: unknown) => RouterExplainResult | Promise<RouterExplainResult>;
  budgets: () => BudgetStatusResult;
  /** Per-arm results since a time. */
  experiments: (since: number) => Promise<ExperimentsResultsResult>;
  now?: () => number;
}

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

/** `router/explain`, `budget/status` and `experiments/results`: thin, the figures come from the router and the budget table. */
export function routerHandlers(deps: RouterHandlerDeps): RegisterHandlers {
  const now = deps.now ?? Date.now;
  return (connection, ctx) => {
    connection.onRequest(RouterExplainRequest.type, (params) =>
      answer(ctx.requireAuth, async () => deps.explain(params?.request)),
    );
    connection.onRequest(BudgetStatusRequest.type, () => answer(ctx.requireAuth, async () => deps.budgets()));
    connection.onRequest(ExperimentsResultsRequest.type, (params) =>
      answer(ctx.requireAuth, () => {
        const since =
          typeof params?.since === 'number' && Number.isFinite(params.since) ? params.since : now() - THIRTY_DAYS_MS;
        return deps.experiments(since);
      }),
    );
  };
}
