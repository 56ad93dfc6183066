import { ConduitError, type ProviderId } from '../../protocol';
import { UpstreamError, type ProviderAdapter } from '../providers/types';
import type { ProviderLimiter, TokenCount } from '../ratelimit/providerLimiter';
import type { RateLimiter } from '../ratelimit/rateLimiter';

export interface LimitFit {
  rateLimiter: RateLimiter | undefined;
  target: { provider: ProviderId; model: string };
  key: string | undefined;
  estimate: TokenCount;
  adapter: ProviderAdapter;
  signal: AbortSignal;
}

/**
 * The limiter for a request that fits a whole minute's allowance. The allowance starts as the
 * tier preset's guess (tier 1: 8,000 output tokens a minute on Anthropic, less than one
 * `--effort high` request), so before a request is refused as too large for it, the key's real
 * limits are asked of the provider once: the smallest request there is (one token of answer),
 * whose response headers state them. They are kept (ratelimit/learnedLimits.ts), and only a
 * request over the real limits is refused.
 */
export async function limiterThatFits(fit: LimitFit): Promise<ProviderLimiter | undefined> {
  const { rateLimiter, target, key, estimate, adapter, signal } = fit;
  const limiter = rateLimiter?.limiterFor(target.provider, key);
  try {
    limiter?.assertCanEverFit(estimate);
    return limiter;
  } catch (err) {
    if (!rateLimiter || !(err instanceof ConduitError) || err.code !== 'too_large') throw err;
  }
  // Limits read from an earlier response may not be in these buckets yet (they keep their size
  // while in use); without any, the provider is asked.
  if (!rateLimiter.knowsLimits(target.provider, key))
    rateLimiter.learn(target.provider, key, await probeHeaders(adapter, target.model, signal));
  rateLimiter.rebuild(target.provider, key);
  const learned = rateLimiter.limiterFor(target.provider, key);
  learned?.assertCanEverFit(estimate);
  return learned;
}

/** The headers of a one-token request; an error's headers state the limits too. */
async function probeHeaders(
  adapter: ProviderAdapter,
  model: string,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  try {
    const res = await adapter.chat({ model, messages: [{ role: 'user', content: 'hi' }], maxTokens: 1 }, signal);
    return res.headers;
  } catch (err) {
    return err instanceof UpstreamError ? err.headers : {};
  }
}
