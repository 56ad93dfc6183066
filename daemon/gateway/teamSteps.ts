import { ConduitError, type ChatRequest, type ChatResult, type ProviderId } from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { outputLimit } from '../providers/reasoningBudget';
import { inputTokensUpperBound } from '../ratelimit/tokenEstimate';
import type { TeamBudget } from '../team/teamBudget';
import { formatUsd, worstCaseCost } from '../usage/pricing';

/** What team mode lends the pipeline; absent when team mode is off. */
export interface TeamHooks {
  /** One attempt under the team's shared request limit for this provider and key. */
  limited<T>(provider: ProviderId, apiKey: string | undefined, signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
  /** The team budget, once team mode runs. */
  budget(): TeamBudget | undefined;
}

/**
 * The team budget around the upstream call, after the daemon's own budgets: the worst case is
 * reserved in Redis (atomically across the team's machines) and settles to the real cost.
 */
export async function withTeamBudget(budget: TeamBudget | undefined, request: ChatRequest, config: ConduitConfig, env: NodeJS.ProcessEnv, upstream: (r: ChatRequest) => Promise<ChatResult>): Promise<ChatResult> {
  if (!budget?.active) return upstream(request);
  const provider = request.provider ?? config.provider;
  const model = request.model ?? resolveProvider(config, provider, env).model;
  // The same true upper bound as the local budget step, so a request never settles above it.
  const inputTokens = inputTokensUpperBound(request.messages, request.system, request);
  const worst = worstCaseCost(provider, model, inputTokens, outputLimit(request.max_tokens ?? config.defaultMaxTokens, request.reasoningEffort), config.prices).usd ?? 0;
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
  try {
    const result = await upstream(request);
    budget.settle(outcome.reservation, result.costUsd);
    return result;
  } catch (err) {
    budget.release(outcome.reservation);
    throw err;
  }
}
