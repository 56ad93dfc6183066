import {
  emptyUsage,
  type AttemptRecord,
  type ChatRequest,
  type ChatResult,
  type ConduitErrorData,
  type ProviderId,
  type RouteInfo,
  type Usage,
} from '../../protocol';
import { CHARS_PER_TOKEN, estimateInputTokens } from '../ratelimit/tokenEstimate';
import { billedCostOf, type PriceOverrides } from '../usage/pricing';
import { armLabel } from '../router/experiments';
import type { RequestRecord } from '../usage/requestRecord';
import type { SendContext } from './gatewayTypes';

export interface RecordInput {
  ctx: SendContext;
  /** Undefined when the request was refused before it could be parsed. */
  request: ChatRequest | undefined;
  startedAt: number;
  latencyMs: number;
  result: ChatResult | undefined;
  error: ConduitErrorData | undefined;
  attempts: AttemptRecord[];
  fallbacks: string[];
  /** Redacted text, only when sampling is on. */
  sample?: { prompt: string; response: string } | null;
  /** The routing decision (as the budget may have changed it): the tier and experiment arm. */
  route?: RouteInfo;
  /** The `prices` overrides in effect, for a broken stream's estimated cost. */
  prices?: PriceOverrides;
}

/** The ledger row for one logical request. Prompt text goes in only as a redacted sample. */
export function buildRecord(input: RecordInput): RequestRecord {
  const { ctx, request, result, error } = input;
  const attempts = result?.attemptLog ?? input.attempts;
  const last = attempts[attempts.length - 1];
  const provider = (result?.provider ??
    error?.provider ??
    last?.provider ??
    request?.provider ??
    null) as ProviderId | null;
  const model = result?.model ?? error?.model ?? last?.model ?? request?.model ?? null;
  const estimate = result ? undefined : estimatedSpend(request, error, provider, model, input.prices);
  return {
    requestId: ctx.requestId,
    startedAt: input.startedAt,
    client: ctx.client,
    ...(ctx.clientName ? { clientName: ctx.clientName } : {}),
    feature: request?.feature ?? 'ask',
    priority: request?.priority ?? 'interactive',
    provider,
    model,
    tier: input.route?.tier ?? request?.tier ?? null,
    experimentArm: input.route?.experiment ? armLabel(input.route.experiment.id, input.route.experiment.arm) : null,
    usage: result?.usage ?? estimate?.usage ?? emptyUsage(),
    // A cached answer bills nothing; what it would have cost is money saved.
    costUsd: result ? (result.costUsd ?? null) : estimate ? estimate.usd : 0,
    costSavedUsd: result?.costSavedUsd ?? 0,
    // An estimate from a broken stream, or an unpriced model billed at its provider's dearest prices.
    costEstimated: estimate !== undefined || result?.costAssumedFrom !== undefined,
    latencyMs: result?.latencyMs ?? input.latencyMs,
    ttftMs: result?.ttftMs ?? null,
    attempts: attempts.length,
    errorCode: result?.degraded?.code ?? error?.code ?? null,
    httpStatus: error?.status ?? null,
    fallbackPath: result?.fallbacks ?? input.fallbacks,
    cache: result?.cache ?? 'none',
    coalesced: result?.coalesced ?? false,
    stream: ctx.sink !== undefined,
    profile: request?.profile ?? 'default',
    sample: input.sample ?? null,
  };
}

/**
 * A stream that broke (or was cancelled) after text arrived was billed, but its final usage never
 * came. Its cost is estimated from the prompt and the partial text, and the row says so.
 */
function estimatedSpend(
  request: ChatRequest | undefined,
  error: ConduitErrorData | undefined,
  provider: ProviderId | null,
  model: string | null,
  prices?: PriceOverrides,
): { usage: Usage; usd: number | null } | undefined {
  if (!request || !error?.partialText || !provider || !model) return undefined;
  const usage: Usage = {
    ...emptyUsage(),
    input_tokens: estimateInputTokens(request.messages, request.system),
    output_tokens: Math.ceil(error.partialText.length / CHARS_PER_TOKEN),
  };
  return { usage, usd: billedCostOf(provider, model, usage, prices).usd };
}
