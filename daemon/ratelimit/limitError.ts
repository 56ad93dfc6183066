import { ConduitError } from '../../protocol';
import { providerName } from '../resilience/classify';
import { formatDuration } from '../resilience/duration';
import type { BucketKind } from './rateLimitHeaders';

const BUCKET_NAMES: Record<BucketKind, string> = {
  requests: 'requests-per-minute',
  input_tokens: 'input-tokens-per-minute',
  output_tokens: 'output-tokens-per-minute',
  tokens: 'tokens-per-minute',
};

export function bucketName(kind: BucketKind): string {
  return BUCKET_NAMES[kind];
}

/** "in 12 s (at 14:03:27Z)": when capacity returns, for messages. */
export function whenCapacityReturns(waitMs: number, now: number): string {
  if (!Number.isFinite(waitMs)) return 'never at the current limits';
  const at = new Date(now + waitMs).toISOString().slice(11, 19);
  return `in ${formatDuration(Math.max(0, waitMs))} (at ${at} UTC)`;
}

/**
 * A request bigger than a whole minute's allowance: it could never be sent, so it fails at once
 * as `too_large` (not `rate_limited`, which would invite a retry or the durable queue).
 */
export function tooLargeError(
  provider: string,
  kind: BucketKind,
  needed: number,
  limit: number,
  detail: string,
): ConduitError {
  return new ConduitError({
    code: 'too_large',
    provider,
    message: `This request needs about ${needed.toLocaleString('en-US')} tokens of ${providerName(provider)}'s ${bucketName(kind)} limit (${detail}), but the limit for this key is ${limit.toLocaleString('en-US')}, so it can never be sent. Lower max_tokens or shorten the prompt; if the account's tier is higher, set rateLimit.tier (or rateLimit.overrides) in config.json. Nothing was sent.`,
  });
}

export function queueFullError(provider: string, waiting: number, waitMs: number, now: number): ConduitError {
  return new ConduitError({
    code: 'queue_full',
    provider,
    message: `${waiting} requests are already waiting for ${providerName(provider)}'s rate limit (rateLimit.maxQueue); capacity for another returns ${whenCapacityReturns(waitMs, now)}. Nothing was sent; retry later, or raise rateLimit.maxQueue or the tier.`,
    ...(Number.isFinite(waitMs) ? { retryAfterMs: Math.ceil(waitMs) } : {}),
  });
}

export function pastDeadlineError(provider: string, waitMs: number, deadlineLeftMs: number, now: number): ConduitError {
  return new ConduitError({
    code: 'rate_limited',
    provider,
    message: `${providerName(provider)}'s rate limit for this key will have room for this request only ${whenCapacityReturns(waitMs, now)}, past the request's deadline (${formatDuration(Math.max(0, deadlineLeftMs))} left), so it was not queued. Nothing was sent; retry then, or raise the tier in rateLimit.tier.`,
    ...(Number.isFinite(waitMs) ? { retryAfterMs: Math.ceil(waitMs) } : {}),
  });
}
