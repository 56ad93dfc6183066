import { emptyUsage } from '../../../../protocol';
import type { CacheEntry } from '../../../../daemon/cache/cacheEntry';
import type { CanonicalRequest } from '../../../../daemon/cache/cacheKey';
import { defaultCacheSettings, type CacheSettings } from '../../../../daemon/cache/cacheSettings';
import type { AnswerToStore } from '../../../../daemon/cache/responseCache';

export function req(prompt: string, extra: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    provider: 'openai',
    model: 'gpt-5.4-mini',
    messages: [{ role: 'user', content: prompt }],
    temperature: 0,
    maxTokens: 256,
    ...extra,
  };
}

export function answer(text: string, costUsd = 0.001): AnswerToStore {
  return {
    text,
    provider: 'openai',
    model: 'gpt-5.4-mini',
    stopReason: 'stop',
    usage: { ...emptyUsage(), input_tokens: 10, output_tokens: 5 },
    costUsd,
  };
}

export function settings(over: Partial<CacheSettings> = {}): CacheSettings {
  return { ...defaultCacheSettings(), ...over };
}

/** A clock the test moves by hand. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Lets the fire-and-forget embedding of a stored entry finish. */
export function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 5));
}

/** A stored entry of the exact cache, keyed and prompted by `key`. */
export function entry(key: string, text = 'answer', expiresAt = Number.MAX_SAFE_INTEGER): CacheEntry {
  return {
    key,
    scope: 's',
    feature: 'ask',
    request: { messages: [{ role: 'user', content: key }] },
    prompt: key,
    text,
    provider: 'openai',
    model: 'm',
    stopReason: 'stop',
    usage: { input_tokens: 1, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
    costUsd: 0.01,
    createdAt: 0,
    expiresAt,
    hits: 0,
  };
}
