import { describe, expect, it } from 'vitest';
import { EmbeddingCache } from '../../../../daemon/cache/embeddingCache';

const answer = (v: number) => ({ vectors: [[v, v]], model: 'm', promptTokens: 1, costUsd: 0.001 });

describe('EmbeddingCache', () => {
  it('keys on provider, model and the exact inputs in order', () => {
    const k = EmbeddingCache.key('openai', 'm', ['a', 'b']);
    expect(EmbeddingCache.key('openai', 'm', ['a', 'b'])).toBe(k);
    expect(EmbeddingCache.key('openai', 'm', ['b', 'a'])).not.toBe(k);
    expect(EmbeddingCache.key('openai', 'm', ['a', 'b '])).not.toBe(k);
    expect(EmbeddingCache.key('openai', 'm2', ['a', 'b'])).not.toBe(k);
    expect(EmbeddingCache.key('gemini', 'm', ['a', 'b'])).not.toBe(k);
    // No joining ambiguity: two inputs are never the same as one input holding both.
    expect(EmbeddingCache.key('openai', 'm', ['a\u00001\u0000b'])).not.toBe(
      EmbeddingCache.key('openai', 'm', ['a', 'b']),
    );
  });

  it('answers until the TTL passes on its own clock, then forgets the entry', () => {
    let now = 1_000;
    const cache = new EmbeddingCache({ maxEntries: 10, maxBytes: 1 << 20, now: () => now });
    cache.set('k', answer(1), 500);
    expect(cache.get('k')?.vectors).toEqual([[1, 1]]);
    now = 1_499;
    expect(cache.get('k')).toBeDefined();
    now = 1_500;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps within its byte bound by evicting the least recently used', () => {
    const cache = new EmbeddingCache({ maxEntries: 100, maxBytes: 300 });
    cache.set('a', answer(1), 60_000);
    cache.set('b', answer(2), 60_000);
    expect(cache.get('a')).toBeDefined();
    cache.set('c', answer(3), 60_000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});
