import { describe, expect, it } from 'vitest';
import { batchCostOf, costOf } from '../../../../daemon/usage/pricing';
import { defaultModelFor } from '../../../../daemon/router/models';

const usage = {
  input_tokens: 12_000,
  output_tokens: 3_000,
  cache_read_tokens: 2_000,
  cache_write_tokens: 1_000,
  reasoning_tokens: 0,
};

describe('batchCostOf', () => {
  it.each(['anthropic', 'openai', 'gemini'] as const)(
    '%s batches cost half the interactive price, every kind of token alike',
    (provider) => {
      const model = defaultModelFor(provider, 'moderate')!;
      const full = costOf(provider, model, usage);
      const batch = batchCostOf(provider, model, usage);
      expect(full.usd).not.toBeNull();
      expect(batch.usd).toBeCloseTo(full.usd! / 2, 12);
      for (const k of ['input', 'output', 'cacheRead', 'cacheWrite'] as const)
        expect(batch.breakdown![k]).toBeCloseTo(full.breakdown![k] / 2, 12);
    },
  );

  it('price overrides apply before the discount; an unknown model stays unknown', () => {
    expect(
      batchCostOf(
        'openai',
        'my-model',
        { ...usage, cache_read_tokens: 0, cache_write_tokens: 0 },
        { 'my-model': { input: 2, output: 10 } },
      ).usd,
    ).toBeCloseTo((12_000 * 2 + 3_000 * 10) / 1e6 / 2, 12);
    expect(batchCostOf('anthropic', 'no-such-model', usage)).toMatchObject({ usd: null, unknownPrice: true });
  });
});
