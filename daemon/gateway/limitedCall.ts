import type { Priority } from '../../protocol';
import { UpstreamError } from '../providers/types';
import type { FailureReport, ProviderLimiter, TokenCount } from '../ratelimit/providerLimiter';
import { usedTokens } from '../ratelimit/tokenEstimate';
import { classifyCode, retryAfterMs } from '../resilience/classify';
import type { CallOutcome } from './providerCall';

export interface LimitedCallOptions {
  priority: Priority;
  /** The attempt's own signal: a cancel or timeout takes a waiting request out of the queue. */
  signal: AbortSignal;
  deadlineAt?: number;
}

/**
 * One attempt under the rate limit: capacity first (at once when there is headroom, else in the
 * queue), then the call; the permit is settled with the real usage and the response's rate-limit
 * headers, or failed with the error's (a 429 with a hint pauses the provider+key for everyone).
 */
export async function limitedCall(
  limiter: ProviderLimiter | undefined,
  estimate: TokenCount,
  opts: LimitedCallOptions,
  call: () => Promise<CallOutcome>,
): Promise<CallOutcome> {
  if (!limiter) return call();
  const permit = limiter.tryAcquire(estimate, opts.priority) ?? (await limiter.acquire(estimate, opts));
  try {
    const outcome = await call();
    permit.settle(usedTokens(limiter.provider, outcome.usage), outcome.headers);
    return outcome;
  } catch (err) {
    permit.fail(failureReport(err));
    throw err;
  }
}

/** What a failed call tells the limiter: the provider's headers, its status, and a 429's pause. */
export function failureReport(err: unknown): FailureReport {
  if (!(err instanceof UpstreamError)) return { headers: {} };
  const pauseMs = classifyCode(err) === 'rate_limited' ? retryAfterMs(err) : undefined;
  return {
    headers: err.headers,
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(pauseMs !== undefined ? { pauseMs } : {}),
  };
}
