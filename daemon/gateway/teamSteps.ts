import { ConduitError, type ChatRequest, type ChatResult, type ProviderId } from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { outputLimit } from '../providers/reasoningBudget';
import { inputTokensUpperBound } from '../ratelimit/tokenEstimate';
import type { TeamBudget } from '../team/teamBudget';
import { budgetWorstCase, formatUsd } from '../usage/pricing';
import type { CoverTarget } from './budgetStep';

/** What team mode lends the pipeline; absent when team mode is off. */
export interface TeamHooks {
  /** One attempt under the team's shared request (and token) limits for this provider and key. */
  limited<T>(
    provider: ProviderId,
    apiKey: string | undefined,
    signal: AbortSignal,
    fn: () => Promise<T>,
    tokens?: { input: number; output: number },
  ): Promise<T>;
  /** The team budget, once team mode runs. */
  budget(): TeamBudget | undefined;
}

/**
 * The team budget around the upstream call, after the daemon's own budgets: the worst case is
 * reserved in Redis (atomically across the team's machines) and settles to the real cost. Before a
 * dearer fallback model is called, the reservation is raised to its worst case, after the local
 * budget's `cover` has raised its own; a target either budget has no room for is skipped.
 */
export async function withTeamBudget(
  budget: TeamBudget | undefined,
  request: ChatRequest,
  config: ConduitConfig,
  env: NodeJS.ProcessEnv,
  upstream: (r: ChatRequest, cover?: CoverTarget) => Promise<ChatResult>,
  cover?: CoverTarget,
): Promise<ChatResult> {
  if (!budget?.active) return upstream(request, cover);
  const provider = request.provider ?? config.provider;
  const model = request.model ?? resolveProvider(config, provider, env).model;
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
    const result = await upstream(request, both);
    budget.settle(outcome.reservation, result.costUsd);
    return result;
  } catch (err) {
    budget.release(outcome.reservation);
    throw err;
  }
}
