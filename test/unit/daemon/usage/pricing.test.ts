import { describe, expect, it } from 'vitest';
import type { Usage } from '../../../../protocol';
import { fromAnthropicUsage } from '../../../../daemon/providers/anthropic/anthropicUsage';
import { fromGeminiUsage } from '../../../../daemon/providers/gemini/geminiUsage';
import { fromOpenAIUsage } from '../../../../daemon/providers/openai/openaiUsage';
import { blendedPrice, costOf, formatUsd, isCostlier, worstCaseCost } from '../../../../daemon/usage/pricing';
import anthropicSonnet45 from '../../../fixtures/usage/anthropic-sonnet-4-5-cache.json';
import anthropicHaiku55Long from '../../../fixtures/usage/anthropic-haiku-5-5-long-prompt.json';
import openaiMini from '../../../fixtures/usage/openai-gpt-5.4-mini-cached-reasoning.json';
import openaiLunaLong from '../../../fixtures/usage/openai-gpt-5.6-luna-long-prompt.json';
import geminiPro from '../../../fixtures/usage/gemini-2.5-pro-cached-thoughts.json';
import geminiProLong from '../../../fixtures/usage/gemini-2.5-pro-long-prompt.json';
import geminiFlash from '../../../fixtures/usage/gemini-2.5-flash-implicit-cache.json';

const NOW = new Date('2026-11-27T12:00:00Z');
const M = 1e6;

function usage(u: Partial<Usage>): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, ...u };
}

/** Exact to 1e-6 USD (toBeCloseTo(x, 6) checks |a − b| < 5e-7). */
function expectUsd(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(actual ?? NaN).toBeCloseTo(expected, 6);
}

describe('costOf — Anthropic', () => {
  it('prices a dated snapshot with cache reads and 5-minute cache writes', () => {
    const u = fromAnthropicUsage(anthropicSonnet45.usage);
    // Anthropic reports the uncached part only; the canonical input is the whole prompt.
    expect(u).toEqual({
      input_tokens: 11200,
      output_tokens: 650,
      cache_read_tokens: 8000,
      cache_write_tokens: 2000,
      reasoning_tokens: 0,
    });
    const c = costOf('anthropic', anthropicSonnet45.model, u, undefined, NOW);
    expect(c.model).toBe('claude-sonnet-4-5');
    expect(c.unknownPrice).toBe(false);
    expectUsd(c.usd, ((11200 - 8000 - 2000) * 3) / M + (8000 * 0.3) / M + (2000 * 3.75) / M + (650 * 15) / M);
    expectUsd(c.breakdown?.input ?? null, (1200 * 3) / M);
    expectUsd(c.breakdown?.cacheRead ?? null, (8000 * 0.3) / M);
    expectUsd(c.breakdown?.cacheWrite ?? null, (2000 * 3.75) / M);
    expectUsd(c.breakdown?.output ?? null, (650 * 15) / M);
    expect(c.approximate).toBe(false);
  });

  it('bills every token of a Haiku 5.5 request over 100k prompt tokens at the long-prompt prices', () => {
    const u = fromAnthropicUsage(anthropicHaiku55Long.usage);
    expect(u.input_tokens).toBe(115000);
    const c = costOf('anthropic', anthropicHaiku55Long.model, u, undefined, NOW);
    expect(c.longPrompt).toBe(true);
    expectUsd(c.usd, ((115000 - 90000 - 5000) * 0.5) / M + (90000 * 0.05) / M + (5000 * 0.625) / M + (1000 * 2.5) / M);
  });

  it('uses the short-prompt prices at exactly 100k prompt tokens', () => {
    const u = usage({ input_tokens: 100000, cache_read_tokens: 60000, output_tokens: 500 });
    const c = costOf('anthropic', 'claude-haiku-5-5', u, undefined, NOW);
    expect(c.longPrompt).toBe(false);
    expectUsd(c.usd, ((100000 - 60000) * 0.1) / M + (60000 * 0.01) / M + (500 * 0.5) / M);
  });

  it('follows dated price changes (Sonnet 5.5 cache hits cut on 2026-10-07)', () => {
    const u = usage({ input_tokens: 50000, cache_read_tokens: 40000, output_tokens: 1000 });
    const before = costOf('anthropic', 'claude-sonnet-5-5', u, undefined, new Date('2026-10-01T00:00:00Z'));
    const after = costOf('anthropic', 'claude-sonnet-5-5', u, undefined, NOW);
    expectUsd(before.usd, (10000 * 2) / M + (40000 * 0.2) / M + (1000 * 10) / M);
    expectUsd(after.usd, (10000 * 2) / M + (40000 * 0.1) / M + (1000 * 10) / M);
  });
});

describe('costOf — OpenAI', () => {
  it('prices cached input apart and does not add reasoning to output again', () => {
    const u = fromOpenAIUsage(openaiMini.usage);
    expect(u).toEqual({
      input_tokens: 5000,
      output_tokens: 1200,
      cache_read_tokens: 3840,
      cache_write_tokens: 0,
      reasoning_tokens: 896,
    });
    const c = costOf('openai', openaiMini.model, u, undefined, NOW);
    expect(c.model).toBe('gpt-5.4-mini');
    expectUsd(c.usd, ((5000 - 3840) * 0.75) / M + (3840 * 0.075) / M + (1200 * 4.5) / M);
  });

  it('resolves dated snapshots of deprecated models too', () => {
    const c = costOf(
      'openai',
      'gpt-5-mini-2025-08-07',
      usage({ input_tokens: 2000, cache_read_tokens: 1024, output_tokens: 300 }),
      undefined,
      NOW,
    );
    expect(c.model).toBe('gpt-5-mini');
    expectUsd(c.usd, ((2000 - 1024) * 0.25) / M + (1024 * 0.025) / M + (300 * 2) / M);
  });

  it('applies the >272K price to the full request; the unpublished long cached rate falls back to input', () => {
    const u = fromOpenAIUsage(openaiLunaLong.usage);
    const c = costOf('openai', openaiLunaLong.model, u, undefined, NOW);
    expect(c.longPrompt).toBe(true);
    expect(c.approximate).toBe(true);
    expectUsd(c.usd, ((300000 - 100000) * 0.4) / M + (100000 * 0.4) / M + (2000 * 1.8) / M);
  });

  it('prices GPT-5.6 cache writes at 1.25x input when the usage reports them', () => {
    const c = costOf(
      'openai',
      'gpt-5.6-luna',
      usage({ input_tokens: 10000, cache_write_tokens: 8000, output_tokens: 100 }),
      undefined,
      NOW,
    );
    expectUsd(c.usd, (2000 * 0.2) / M + (8000 * 0.25) / M + (100 * 1.2) / M);
  });

  it('bills cache writes as ordinary input where the provider has no write price', () => {
    const c = costOf(
      'openai',
      'gpt-5.4-mini',
      usage({ input_tokens: 10000, cache_write_tokens: 8000, output_tokens: 100 }),
      undefined,
      NOW,
    );
    expectUsd(c.usd, (10000 * 0.75) / M + (100 * 4.5) / M);
    expect(c.approximate).toBe(false);
  });
});

describe('costOf — Gemini', () => {
  it('counts thoughts as output and cached content at the caching price ("models/" prefix)', () => {
    const u = fromGeminiUsage(geminiPro.usageMetadata);
    expect(u).toEqual({
      input_tokens: 12000,
      output_tokens: 1500,
      cache_read_tokens: 8000,
      cache_write_tokens: 0,
      reasoning_tokens: 1100,
    });
    const c = costOf('gemini', geminiPro.model, u, undefined, NOW);
    expect(c.model).toBe('gemini-2.5-pro');
    expect(c.longPrompt).toBe(false);
    expectUsd(c.usd, ((12000 - 8000) * 1.25) / M + (8000 * 0.125) / M + ((400 + 1100) * 10) / M);
  });

  it('prices a prompt over 200k tokens on 2.5 Pro at the higher tier, output included', () => {
    const u = fromGeminiUsage(geminiProLong.usageMetadata);
    const c = costOf('gemini', geminiProLong.model, u, undefined, NOW);
    expect(c.longPrompt).toBe(true);
    expectUsd(c.usd, ((250000 - 150000) * 2.5) / M + (150000 * 0.25) / M + ((1500 + 3500) * 15) / M);
  });

  it('keeps the lower tier at exactly 200k prompt tokens', () => {
    const c = costOf('gemini', 'gemini-2.5-pro', usage({ input_tokens: 200000, output_tokens: 1000 }), undefined, NOW);
    expect(c.longPrompt).toBe(false);
    expectUsd(c.usd, (200000 * 1.25) / M + (1000 * 10) / M);
  });

  it('bills Gemini 2.5 Flash implicit-cache hits at its context caching price ($0.03), not the input price', () => {
    const u = fromGeminiUsage(geminiFlash.usageMetadata);
    const c = costOf('gemini', geminiFlash.model, u, undefined, NOW);
    expect(c.approximate).toBe(false);
    expectUsd(c.usd, ((6000 - 4096) * 0.3) / M + (4096 * 0.03) / M + ((300 + 700) * 2.5) / M);
  });

  it('bills cached tokens at the input price, flagged approximate, when the caching price is unconfirmed', () => {
    const u = fromGeminiUsage(geminiFlash.usageMetadata);
    const c = costOf('gemini', 'gemini-3.5-flash', u, undefined, NOW);
    expect(c.approximate).toBe(true);
    expectUsd(c.usd, ((6000 - 4096) * 1.5) / M + (4096 * 1.5) / M + ((300 + 700) * 9) / M);
  });

  it('follows the end of the Gemini 3.8 Flash launch promotion', () => {
    const u = usage({ input_tokens: 10000, output_tokens: 2000 });
    expectUsd(
      costOf('gemini', 'gemini-3.8-flash', u, undefined, new Date('2026-12-31T23:59:59Z')).usd,
      (10000 * 0.75) / M + (2000 * 3.75) / M,
    );
    expectUsd(
      costOf('gemini', 'gemini-3.8-flash', u, undefined, new Date('2027-01-01T00:00:00Z')).usd,
      (10000 * 1.5) / M + (2000 * 7.5) / M,
    );
  });
});

describe('costOf — unknown prices and overrides', () => {
  const u = usage({ input_tokens: 1000, cache_read_tokens: 200, output_tokens: 100 });

  it('reports an unknown model as unknown price, never zero', () => {
    for (const [provider, model] of [
      ['anthropic', 'claude-nonexistent-9'],
      ['openai', 'gpt-9'],
      ['gemini', 'gemini-0.1-flash'],
      ['openaiCompatible', 'llama3.2'],
    ] as const) {
      const c = costOf(provider, model, u, undefined, NOW);
      expect(c).toMatchObject({ usd: null, unknownPrice: true, breakdown: null });
    }
  });

  it('reports a catalogued model with unconfirmed prices as unknown price', () => {
    expect(costOf('openai', 'gpt-6.1-terra', u, undefined, NOW)).toMatchObject({
      usd: null,
      unknownPrice: true,
      model: 'gpt-6.1-terra',
    });
  });

  it('lets overrides from the settings win, field by field', () => {
    const c = costOf('anthropic', 'claude-sonnet-4-6', u, { 'claude-sonnet-4-6': { input: 1, cacheRead: 0.05 } }, NOW);
    expectUsd(c.usd, ((1000 - 200) * 1) / M + (200 * 0.05) / M + (100 * 15) / M);
  });

  it('matches an override under the resolved id when the request used a snapshot id, and vice versa', () => {
    const byAlias = costOf('anthropic', 'claude-sonnet-4-5-20250929', u, { 'claude-sonnet-4-5': { output: 20 } }, NOW);
    expectUsd(byAlias.usd, (800 * 3) / M + (200 * 0.3) / M + (100 * 20) / M);
    const bySnapshot = costOf(
      'anthropic',
      'claude-sonnet-4-5-20250929',
      u,
      { 'claude-sonnet-4-5-20250929': { output: 30 } },
      NOW,
    );
    expectUsd(bySnapshot.usd, (800 * 3) / M + (200 * 0.3) / M + (100 * 30) / M);
  });

  it('prices unknown models (a local server, an unconfirmed model) from overrides', () => {
    expectUsd(costOf('openaiCompatible', 'llama3.2', u, { 'llama3.2': { input: 0, output: 0 } }, NOW).usd, 0);
    const terra = costOf(
      'openai',
      'gpt-6.1-terra',
      u,
      { 'gpt-6.1-terra': { input: 2, output: 12, cacheRead: 0.2 } },
      NOW,
    );
    expectUsd(terra.usd, (800 * 2) / M + (200 * 0.2) / M + (100 * 12) / M);
  });

  it('keeps full precision in the stored value and rounds only for display', () => {
    const c = costOf('openai', 'gpt-5-nano', usage({ input_tokens: 7, output_tokens: 3 }), undefined, NOW);
    expect(c.usd).toBe((7 * 0.05) / M + (3 * 0.4) / M);
    expect(formatUsd(c.usd)).toBe('$0.000002');
    expect(formatUsd(12.3456)).toBe('$12.35');
    expect(formatUsd(null)).toBe('unknown price');
  });

  it('below a dollar shows enough digits that "$X left ($Y spent)" adds up (the issue: $0.045 read as $0.05)', () => {
    expect(formatUsd(0.045271)).toBe('$0.0453');
    expect(formatUsd(0.045)).toBe('$0.045');
    expect(formatUsd(0.004729)).toBe('$0.004729');
    expect(formatUsd(0.55)).toBe('$0.55');
    expect(formatUsd(0.5)).toBe('$0.50');
  });
});

describe('worstCaseCost', () => {
  it('assumes no cache hits, the dearer of input and cache-write prices, and all of maxTokens', () => {
    // The dearest input rate is the 1-hour cache write ($6 = 2 × $3): the whole prompt may be written for an hour.
    expectUsd(
      worstCaseCost('anthropic', 'claude-sonnet-4-6', 10000, 1000, undefined, NOW).usd,
      (10000 * 6) / M + (1000 * 15) / M,
    );
    expectUsd(
      worstCaseCost('openai', 'gpt-5.4-mini', 10000, 1000, undefined, NOW).usd,
      (10000 * 0.75) / M + (1000 * 4.5) / M,
    );
  });

  it('uses the long-prompt prices when the estimate is over the threshold', () => {
    expectUsd(
      worstCaseCost('gemini', 'gemini-2.5-pro', 250000, 8000, undefined, NOW).usd,
      (250000 * 2.5) / M + (8000 * 15) / M,
    );
  });

  it('is unknown for unknown prices', () => {
    expect(worstCaseCost('openai', 'gpt-9', 1000, 100, undefined, NOW)).toEqual({ usd: null, unknownPrice: true });
  });
});

describe('isCostlier and blendedPrice', () => {
  it('compares by input + output per million', () => {
    expect(blendedPrice('anthropic', 'claude-opus-5-5', undefined, NOW)).toBe(4 + 20);
    expect(blendedPrice('gemini', 'gemini-2.5-pro', undefined, NOW)).toBe(1.25 + 10);
    expect(
      isCostlier(
        { provider: 'anthropic', model: 'claude-opus-5-5' },
        { provider: 'anthropic', model: 'claude-sonnet-5-5' },
        undefined,
        NOW,
      ),
    ).toBe(true);
    expect(
      isCostlier(
        { provider: 'openai', model: 'gpt-5.4-mini' },
        { provider: 'anthropic', model: 'claude-sonnet-5-5' },
        undefined,
        NOW,
      ),
    ).toBe(false);
    expect(
      isCostlier(
        { provider: 'gemini', model: 'gemini-2.5-flash' },
        { provider: 'gemini', model: 'gemini-2.5-flash' },
        undefined,
        NOW,
      ),
    ).toBe(false);
  });

  it('is null when either price is unknown, and honours overrides', () => {
    expect(
      isCostlier(
        { provider: 'openai', model: 'gpt-6.1-terra' },
        { provider: 'openai', model: 'gpt-5.4' },
        undefined,
        NOW,
      ),
    ).toBeNull();
    expect(
      isCostlier({ provider: 'openai', model: 'gpt-5.4' }, { provider: 'openai', model: 'gpt-9' }, undefined, NOW),
    ).toBeNull();
    expect(
      isCostlier(
        { provider: 'openai', model: 'gpt-5.4' },
        { provider: 'openai', model: 'gpt-5.4-mini' },
        { 'gpt-5.4-mini': { input: 10, output: 40 } },
        NOW,
      ),
    ).toBe(false);
  });
});
