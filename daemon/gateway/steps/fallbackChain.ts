import {
  ConduitError,
  type ChatResult,
  type ConduitErrorData,
  type ProviderId,
  type ToolCallDelta,
} from '../../../protocol';
import { resolveProvider } from '../../config/config';
import { fallbackInForce } from '../../resilience/defaultChain';
import { deadlinePolicy } from '../../resilience/interactiveDeadlines';
import { planFallbacks, targetLabel, type Target } from '../../resilience/fallbackPlan';
import { ResilienceError } from '../../resilience/resilienceError';
import { retrySettings, startDeadline } from '../../resilience/resilienceSettings';
import { resolveKey } from '../../secrets/keySource';
import { isCostlier } from '../../usage/pricing';
import { callResult } from '../callResult';
import { toErrorData } from '../errorData';
import { fitFallback, type FallbackFit } from '../fallbackFit';
import { shouldFallBack } from '../fallbackRules';
import type { RunPolicy } from '../gatewayTypes';
import type { RequestContext } from '../requestContext';
import { lastResorts } from './lastResorts';
import { runTarget } from './targetKeys';

/**
 * fallback plan: the primary, then the feature's chain, cost-guarded; each target runs the target
 * steps (keys, then the call under the rate limit and the resilience executor). Before a fallback
 * is called its worst case must fit the budget and the request its model's limits, or it is
 * skipped. When every target failed for a reason another might not share: the last resorts.
 */
export async function fallbackChain(ctx: RequestContext): Promise<ChatResult> {
  const { request, config, call, cover, fallbacks } = ctx;
  const { deps, env, routes } = ctx.parts;
  const feature = request.feature ?? 'ask';
  const primaryProvider = request.provider ?? config.provider;
  const primary: Target = {
    provider: primaryProvider,
    model: request.model ?? resolveProvider(config, primaryProvider, env).model,
  };
  const hasKey = (p: ProviderId) => resolveKey(p, env, deps.keys, request.profile ?? config.profile).source !== 'none';
  const plan = planFallbacks(
    primary,
    feature,
    fallbackInForce(config.resilience.fallback, primary.provider, hasKey, env),
    {
      defaultModel: (p) => routes.modelFor(config, p, request.tier),
      isCostlier: (a, b) => isCostlier(a, b, config.prices),
      hasKey,
    },
  );
  for (const skipped of plan.skipped) {
    deps.logger.debug('fallback skipped', {
      requestId: call.requestId,
      target: targetLabel(skipped.target),
      reason: skipped.reason,
    });
  }
  const deadlines = deadlinePolicy(config.resilience.timeouts, feature, request.priority);
  const policy: RunPolicy = {
    retry: retrySettings(config.resilience),
    timeouts: deadlines.timeouts,
    deadline: startDeadline(deadlines.requestMs),
    firstByteFailsOver: deadlines.firstByteFailsOver,
  };
  let seq = 0;
  const sink = call.sink
    ? { text: (delta: string, toolCall?: ToolCallDelta) => call.sink!.chunk(delta, seq++, toolCall) }
    : undefined;

  let lastError: ConduitErrorData | undefined;
  // A fallback that cannot take the request (context window, image limits) is skipped, not called.
  let unfit: ConduitErrorData | undefined;
  let calledFallback = false;
  for (const [index, target] of [primary, ...plan.targets].entries()) {
    // The budget reserved for the primary; a dearer fallback must fit too, or is not called.
    if (index > 0 && cover && !(await cover(target))) {
      deps.logger.info('fallback skipped', {
        requestId: call.requestId,
        target: targetLabel(target),
        reason: 'over budget',
      });
      continue;
    }
    const fit: FallbackFit =
      index > 0
        ? fitFallback(request, target, config.defaultMaxTokens, config.routing.contextWindow)
        : { ok: true, request };
    if (!fit.ok) {
      unfit = toErrorData(fit.error, call.signal, deps, target);
      fallbacks.push(`skipped ${targetLabel(target)}: ${fit.reason}`);
      deps.logger.info('fallback skipped', {
        requestId: call.requestId,
        target: targetLabel(target),
        reason: unfit.message,
      });
      continue;
    }
    if (index > 0) {
      fallbacks.push(targetLabel(target));
      calledFallback = true;
    }
    try {
      // The last target has nothing to fail over to: it keeps retrying within the deadline.
      const failOver = policy.firstByteFailsOver && index < plan.targets.length;
      const outcome = await runTarget({
        ...ctx,
        request: fit.request,
        target,
        policy: { ...policy, firstByteFailsOver: failOver },
        sink,
      });
      return {
        ...callResult(ctx, target.provider, outcome, config.prices),
        ...(fit.trimmed ? { trimmed: fit.trimmed } : {}),
      };
    } catch (err) {
      lastError = toErrorData(err, call.signal, deps, target);
      const committed = err instanceof ResilienceError && err.reason === 'committed';
      if (committed || !shouldFallBack(lastError.code)) throw new ConduitError(lastError);
      deps.logger.info('falling back', {
        requestId: call.requestId,
        from: targetLabel(target),
        code: lastError.code,
      });
    }
  }
  return lastResorts(ctx, { primary, failure: lastError!, unfit, calledFallback, sink });
}
