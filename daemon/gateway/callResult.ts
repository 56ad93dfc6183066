import type { AttemptRecord, ChatResult, ProviderId } from '../../protocol';
import { billedCostOf, type PriceOverrides } from '../usage/pricing';
import { round } from './cacheStep';
import type { CallOutcome } from './providerCall';
import type { SendContext } from './gatewayTypes';

/** The request's path to this answer: who asked, when it started, the attempts and fallbacks. */
export interface ResultPath {
  call: SendContext;
  /** performance.now() at the start. */
  started: number;
  attempts: AttemptRecord[];
  fallbacks: string[];
}

/** What the caller gets for an upstream answer: the outcome with its cost, timings and path. */
export function callResult(
  path: ResultPath,
  provider: ProviderId,
  outcome: CallOutcome,
  prices?: PriceOverrides,
): ChatResult {
  const { call: ctx, started, attempts, fallbacks } = path;
  const cost = billedCostOf(provider, outcome.model, outcome.usage, prices);
  return {
    requestId: ctx.requestId,
    text: outcome.text,
    provider,
    model: outcome.model,
    usage: outcome.usage,
    stopReason: outcome.stopReason,
    latencyMs: round(performance.now() - started),
    ttftMs: outcome.ttftMs === null ? null : round(outcome.ttftMs),
    attempts: attempts.length,
    attemptLog: [...attempts],
    cache: 'none',
    fallbacks: [...fallbacks],
    costUsd: cost.usd,
    ...(cost.assumedFrom !== undefined ? { costAssumedFrom: cost.assumedFrom } : {}),
    ...(outcome.responseId !== undefined ? { responseId: outcome.responseId } : {}),
    ...(outcome.toolCalls?.length ? { toolCalls: outcome.toolCalls } : {}),
    ...(outcome.adjusted?.length ? { adjusted: outcome.adjusted } : {}),
    ...(outcome.stopSequence !== undefined ? { stopSequence: outcome.stopSequence } : {}),
  };
}
