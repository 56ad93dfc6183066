import { ConduitError, type ProviderId } from '../../../protocol';
import { resolveProvider } from '../../config/config';
import { outputLimit } from '../../providers/reasoningBudget';
import { inputTokensUpperBound } from '../../ratelimit/tokenEstimate';
import { budgetWorstCase, formatUsd } from '../../usage/pricing';
import type { CoverTarget } from '../budgetStep';
import type { RequestStep } from './requestStep';

/**
 * The team budget around the upstream call, after the daemon's own budgets: the worst case is
 * reserved in Redis (atomically across the team's machines) and settles to the real cost. Before a
 * dearer fallback model is called, the reservation is raised to its worst case, after the local
 * budget's `cover` has raised its own; a target either budget has no room for is skipped.
 */
export const teamBudget: RequestStep = async (ctx, next) => {
  const budget = ctx.parts.deps.team?.budget();
  const { request, config, cover } = ctx;
  if (!budget?.active) return next(ctx);
  const provider = request.provider ?? config.provider;
  const model = request.model ?? resolveProvider(config, provider, ctx.parts.env).model;
  // The same true upper bound as the local budget step, so a request never settles above it.
  const inputTokens = inputTokensUpperBound(request.messages, request.system, request);
  const maxTokens = outputLimit(request.max_tokens ?? config.defaultMaxTokens, request.reasoningEffort);
  // A model without a known price reserves at its provider's dearest prices, as the local budget does.
  const worstOn = (p: ProviderId, m: string) => budgetWorstCase(p, m, inputTokens, maxTokens, config.prices).usd ?? 0;
  const worst = worstOn(provider, model);
  const outcome = await budget.reserve(worst);
  if (!outcome.ok) {
    const s = outcome.status;
    throw new ConduitError({
      code: 'budget_exceeded',
      provider,
      model,
      message: `This request could cost up to ${formatUsd(outcome.neededUsd)} on ${provider}/${model}, more than is left of the team's ${s.period === 'day' ? 'daily' : 'monthly'} budget of ${formatUsd(s.limitUsd)}: ${formatUsd(s.remainingUsd)} left (${formatUsd(s.spentUsd)} spent by the team${s.reservedUsd > 0 ? `, ${formatUsd(s.reservedUsd)} held by requests in flight` : ''}). It resets at ${new Date(s.resetsAt).toISOString()}. Ask whoever runs the team's budget (team.budgets), or lower max_tokens.`,
    });
  }
  const reservation = outcome.reservation;
  const both: CoverTarget = async (target) =>
    (!cover || (await cover(target))) && budget.raise(reservation, worstOn(target.provider, target.model));
  try {
    const result = await next({ ...ctx, cover: both });
    budget.settle(outcome.reservation, result.costUsd);
    return result;
  } catch (err) {
    budget.release(outcome.reservation);
    throw err;
  }
};
