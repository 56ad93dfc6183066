import { describe, expect, it } from 'vitest';
import { embeddingCostUsd, embeddingRate, embeddingTokensUpperBound } from '../../../../daemon/usage/embeddingPrice';

describe('embedding prices', () => {
  it('a listed model at its list price; config.json prices win; an unknown one at the dearest, marked assumed', () => {
    expect(embeddingRate('openai', 'text-embedding-3-small')).toEqual({ perMTok: 0.02, assumed: false });
    expect(
      embeddingRate('openai', 'text-embedding-3-small', { 'text-embedding-3-small': { input: 0.5, output: 0 } }),
    ).toEqual({ perMTok: 0.5, assumed: false });
    expect(embeddingRate('openai', 'my-embedder')).toEqual({ perMTok: 0.15, assumed: true });
    expect(embeddingCostUsd({ perMTok: 0.02, assumed: false }, 1_000_000)).toBeCloseTo(0.02);
  });

  it('the token bound is at least the UTF-8 bytes of every input', () => {
    expect(embeddingTokensUpperBound(['abcd', '日本'])).toBeGreaterThanOrEqual(4 + 6);
  });
});
