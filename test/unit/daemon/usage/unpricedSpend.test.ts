import { describe, expect, it } from 'vitest';
import { MAX_UNPRICED_MODELS, UnpricedSpend } from '../../../../daemon/usage/unpricedSpend';

describe('UnpricedSpend', () => {
  it('names at most MAX_UNPRICED_MODELS models, however many requests bring, and still counts every request', () => {
    const spend = new UnpricedSpend(() => Date.UTC(2026, 2, 10, 12));
    const n = MAX_UNPRICED_MODELS * 4;
    for (let i = 0; i < n; i++) expect(spend.add('openaiCompatible', `made-up-${i}`, 0.5, 'gpt-x')).toBe(true);
    const status = spend.status()!;
    expect(status.requests).toBe(n);
    expect(status.usd).toBe(0.5 * n);
    expect(status.models).toHaveLength(MAX_UNPRICED_MODELS);
    expect(status.models.at(-1)).toEqual({ model: `openaiCompatible/made-up-${n - 1}`, assumedFrom: 'gpt-x' });
    // The recent ones are still known as seen; the oldest was forgotten and counts as new again.
    expect(spend.add('openaiCompatible', `made-up-${n - 1}`, 0, 'gpt-x')).toBe(false);
    expect(spend.add('openaiCompatible', 'made-up-0', 0, 'gpt-x')).toBe(true);
  });
});
