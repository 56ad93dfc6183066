import { ConduitError, type BatchProviderId } from '../../protocol';
import type { ConduitConfig } from '../config/config';
import { outputLimit } from '../providers/reasoningBudget';
import { inputTokensUpperBound } from '../ratelimit/tokenEstimate';
import type { BudgetTable, Reservation } from '../usage/budgetTable';
import { BATCH_PRICE_FACTOR, formatUsd, worstCaseCost } from '../usage/pricing';
import type { BatchEntry } from './batchTypes';

/**
 * A batch is refused before it is sent when its worst case (every request's estimated input
 * plus its output limit, thinking included as for a live call, at the batch prices) would not fit in what a budget has left, feature
 * by feature. Nothing stays reserved: the spend is counted as each result arrives
 * (BudgetTable.addSpend), hours later.
 */
export function checkBatchBudget(
  table: BudgetTable,
  config: ConduitConfig,
  provider: BatchProviderId,
  model: string,
  entries: readonly BatchEntry[],
): void {
  const byFeature = new Map<string, number>();
  for (const e of entries) {
    const worst =
      worstCaseCost(
        provider,
        model,
        inputTokensUpperBound(e.request.messages, e.request.system, e.request),
        outputLimit(e.providerRequest.maxTokens, e.providerRequest.reasoningEffort),
        config.prices,
      ).usd ?? 0;
    byFeature.set(e.feature, (byFeature.get(e.feature) ?? 0) + worst * BATCH_PRICE_FACTOR[provider]);
  }
  const held: Reservation[] = [];
  try {
    for (const [feature, usd] of byFeature) {
      const outcome = table.tryReserve(feature, usd);
      if (!outcome.ok) {
        const r = outcome.refusal;
        const scope = r.scope === 'global' ? 'the global' : `the "${r.scope.slice('feature:'.length)}"`;
        throw new ConduitError({
          code: 'budget_exceeded',
          provider,
          model,
          message: `The batch was not submitted: its "${feature}" requests could cost up to ${formatUsd(usd)} at batch prices, and ${scope} ${r.period === 'day' ? 'daily' : 'monthly'} budget has ${formatUsd(r.remainingUsd)} left of ${formatUsd(r.limitUsd)}. Split the file, lower max_tokens, or raise the budget.`,
        });
      }
      held.push(outcome.reservation);
    }
  } finally {
    for (const r of held) table.release(r);
  }
}
