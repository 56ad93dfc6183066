import type { ProviderId } from '../../../protocol';
import { resolveProvider, type ConduitConfig } from '../../config/config';
import { checkImageSizes } from '../../guard/imageCheck';
import { outputLimit } from '../../providers/reasoningBudget';
import type { ProviderRequest } from '../../providers/types';
import { estimateInputTokens } from '../../ratelimit/tokenEstimate';
import { executeWithRetry } from '../../resilience/executeWithRetry';
import { ResilienceError } from '../../resilience/resilienceError';
import { apiFieldsOf } from '../apiFields';
import { limitedCall } from '../limitedCall';
import { limiterThatFits } from '../learnLimits';
import { callProvider, type CallOutcome } from '../providerCall';
import type { KeyedTarget } from '../requestContext';

/**
 * One provider/model with one key: its image limits, the rate limit's first check (a request over
 * a whole minute's allowance fails before any attempt), then the resilience executor (breaker,
 * attempts with timeouts, retries), each attempt under the rate limit (and the team's), then the
 * provider's SDK call through the adapter for that provider, base URL and key.
 */
export async function callTarget(ctx: KeyedTarget): Promise<CallOutcome> {
  const { target, request, config, policy, sink, started, attempts, key } = ctx;
  const { deps, env, adapters } = ctx.parts;
  const resolved = resolveProvider(config, target.provider, env);
  deps.redactor.addSecret(key);
  // No key: a local server (its adapter puts in a placeholder) or a platform's own credential chain.
  const adapter = adapters.get({
    id: target.provider,
    baseURL: resolved.baseURL,
    apiKey: key ?? '',
    connectTimeoutMs: config.resilience.timeouts.connectMs,
    ...(resolved.platform ? { platform: resolved.platform } : {}),
  });
  const providerRequest: ProviderRequest = {
    model: target.model,
    messages: request.messages,
    maxTokens: request.max_tokens ?? config.defaultMaxTokens,
    ...(request.system !== undefined ? { system: request.system } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(cacheSystemPrompt(target.provider, request.system, config) ? { cacheSystem: true } : {}),
    ...apiFieldsOf(request),
  };
  // Each target's own image limits, checked before its first attempt.
  checkImageSizes(request.messages, target.provider);
  // Rate limit: a request over a whole minute's allowance fails here, before any attempt; each
  // attempt (a retry too) then waits for capacity with its own signal.
  const estimate = {
    input: estimateInputTokens(request.messages, request.system),
    output: outputLimit(providerRequest.maxTokens, request.reasoningEffort),
  };
  // The provider's code loads before a permit is taken: permits taken during a first use's load
  // would all be released together when it ends, a burst the provider's limit does not allow.
  await adapter.ready?.();
  const limiter = await limiterThatFits({
    rateLimiter: deps.rateLimiter,
    target,
    key,
    estimate,
    adapter,
    signal: ctx.call.signal,
  });
  const limit = { priority: request.priority ?? 'interactive', deadlineAt: policy.deadline.at } as const;
  const call = { adapter, req: providerRequest, sink, startedAt: started };
  // The moment every limit let the attempt go: tests judge the daemon's pacing by it, since on a
  // loaded machine the provider's arrival times also carry the transit, which is not the daemon's.
  // And the moment the limits read the answer's rate-limit headers: what the daemon knew of the
  // provider's bucket was that old (the limiter reads them as this promise settles). Only at debug
  // level: the reply path takes no extra promise turn for a line nobody reads.
  const send = (attempt: Parameters<typeof callProvider>[1]) => {
    if (!deps.logger.enabled('debug')) return callProvider(call, attempt);
    const fields = { requestId: ctx.call.requestId, provider: target.provider };
    deps.logger.write('debug', 'rate limit released', fields);
    return callProvider(call, attempt).finally(() => deps.logger.write('debug', 'rate limit read', fields));
  };
  try {
    const { value, attempts: made } = await executeWithRetry(
      (attempt) =>
        limitedCall(limiter, estimate, { ...limit, signal: attempt.signal }, () =>
          deps.team
            ? deps.team.limited(target.provider, key, attempt.signal, () => send(attempt), estimate)
            : send(attempt),
        ),
      {
        provider: target.provider,
        model: target.model,
        mode: sink ? 'stream' : 'call',
        retry: policy.retry,
        timeouts: policy.timeouts,
        deadline: policy.deadline,
        firstByteFailsOver: policy.firstByteFailsOver,
        breaker: deps.breakers.get(target.provider, target.model),
        log: (event, fields) =>
          deps.logger.write(event === 'retry' || event === 'attempt_failed' ? 'info' : 'warn', event, {
            requestId: ctx.call.requestId,
            ...fields,
          }),
      },
      ctx.call.signal,
    );
    attempts.push(...made);
    return value;
  } catch (err) {
    if (err instanceof ResilienceError) attempts.push(...err.attempts);
    throw err;
  }
}

/** Anthropic prompt caching pays off for a long system prompt that repeats across requests. */
function cacheSystemPrompt(provider: ProviderId, system: string | undefined, config: ConduitConfig): boolean {
  const caching = config.routing.promptCaching;
  return (
    provider === 'anthropic' &&
    caching.enabled &&
    system !== undefined &&
    estimateInputTokens([], system) >= caching.minSystemTokens
  );
}
