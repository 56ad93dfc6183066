import { ConduitError, emptyUsage, type ChatResult, type ConduitErrorData } from '../../../protocol';
import { degradedAnswer } from '../../resilience/degradedAnswer';
import type { Target } from '../../resilience/fallbackPlan';
import { callResult } from '../callResult';
import { shouldDegrade, shouldQueue } from '../fallbackRules';
import type { StreamSink } from '../providerCall';
import type { RequestContext } from '../requestContext';

/** How the fallback chain ended: every target failed or was skipped. */
export interface ChainFailure {
  primary: Target;
  /** The last target's error. */
  failure: ConduitErrorData;
  /** Why the last fallback that could not take the request was skipped. */
  unfit: ConduitErrorData | undefined;
  calledFallback: boolean;
  sink: StreamSink | undefined;
}

/**
 * last resorts: a background request goes to the durable queue; otherwise a stale cache entry,
 * then a simplified answer that says what was unavailable; else the error.
 */
export async function lastResorts(ctx: RequestContext, chain: ChainFailure): Promise<ChatResult> {
  const { request, config, call, attempts, fallbacks } = ctx;
  const { deps } = ctx.parts;
  const { primary, failure, unfit, calledFallback, sink } = chain;
  if (request.priority === 'background' && !call.fromQueue && deps.queue && shouldQueue(failure.code)) {
    const jobId = await deps.queue.enqueue(request, failure);
    fallbacks.push('queued');
    throw new ConduitError({
      ...failure,
      code: 'queued',
      jobId,
      message: `${failure.message} The request was queued as ${jobId} and will run when the provider recovers; see \`conduit jobs\`.`,
    });
  }
  const stale =
    config.resilience.fallback.staleCache && !call.fromQueue && shouldDegrade(failure.code)
      ? ctx.parts.cache.stale(ctx)
      : undefined;
  if (stale) {
    deps.logger.warn('stale cache answer', { requestId: call.requestId, code: failure.code });
    return stale;
  }
  if (
    config.resilience.fallback.simplifiedResponse &&
    !call.fromQueue &&
    !call.noSimplified &&
    shouldDegrade(failure.code)
  ) {
    fallbacks.push('simplified');
    const text = degradedAnswer(primary, attempts, failure);
    void sink?.text(text);
    const result = callResult(ctx, primary.provider, {
      text,
      model: primary.model,
      usage: emptyUsage(),
      stopReason: null,
      headers: {},
      ttftMs: null,
    });
    result.degraded = { code: failure.code, message: failure.message };
    result.costUsd = 0;
    deps.logger.warn('degraded answer', { requestId: call.requestId, code: failure.code });
    return result;
  }
  // Every fallback was skipped as unfit: the limit that ruled them out is the clearer error.
  throw new ConduitError(unfit && !calledFallback ? unfit : failure);
}
