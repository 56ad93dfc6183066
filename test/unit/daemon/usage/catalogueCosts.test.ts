import { describe, expect, it } from 'vitest';
import type { ProviderId, Usage } from '../../../../protocol';
import { fromAnthropicUsage } from '../../../../daemon/providers/anthropic/anthropicUsage';
import { deprecationStatus, findModel } from '../../../../daemon/router/models';
import { assumedPrices } from '../../../../daemon/usage/assumedPrices';
import { billedCostOf, budgetWorstCase, costOf } from '../../../../daemon/usage/pricing';

/**
 * Cost cells for the catalogue entries added or corrected for issue #21, each computed here by
 * hand from the per-million prices the provider's page documents (quoted beside each cell), not
 * from the code's tables, to 1e-6 USD.
 */
const NOW = new Date('2026-12-06T12:00:00Z');
const M = 1e6;

function usage(u: Partial<Usage>): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, ...u };
}

function expectUsd(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(actual ?? NaN).toBeCloseTo(expected, 6);
}

// A request with every kind of token: 40,000 prompt tokens of which 20,000 read from the cache
// and 8,000 written to it, and 3,000 output tokens.
const MIXED = usage({
  input_tokens: 40_000,
  cache_read_tokens: 20_000,
  cache_write_tokens: 8_000,
  output_tokens: 3_000,
});

describe('Anthropic 1-hour cache writes (usage.cache_creation.ephemeral_1h_input_tokens, 2× input)', () => {
  it('are read from the response apart from 5-minute writes', () => {
    const u = fromAnthropicUsage({
      input_tokens: 1_000,
      output_tokens: 500,
      cache_read_input_tokens: 2_000,
      cache_creation_input_tokens: 6_000,
      cache_creation: { ephemeral_5m_input_tokens: 2_000, ephemeral_1h_input_tokens: 4_000 },
    });
    expect(u).toEqual({
      input_tokens: 9_000,
      output_tokens: 500,
      cache_read_tokens: 2_000,
      cache_write_tokens: 6_000,
      cache_write_1h_tokens: 4_000,
      reasoning_tokens: 0,
    });
  });

  it('Claude Opus 5: $5 input, $6.25 5m write, $10 1h write, $0.50 read, $25 output', () => {
    const u = usage({
      input_tokens: 9_000,
      cache_read_tokens: 2_000,
      cache_write_tokens: 6_000,
      cache_write_1h_tokens: 4_000,
      output_tokens: 500,
    });
    const c = costOf('anthropic', 'claude-opus-5', u, undefined, NOW);
    expectUsd(c.breakdown!.cacheWrite, (2_000 * 6.25) / M + (4_000 * 10) / M);
    expectUsd(c.usd, (1_000 * 5) / M + (2_000 * 0.5) / M + (2_000 * 6.25) / M + (4_000 * 10) / M + (500 * 25) / M);
  });

  it('Claude Sonnet 4.6: 1-hour writes at $6 (2 × $3), not the 5-minute $3.75', () => {
    const u = usage({
      input_tokens: 10_000,
      cache_write_tokens: 10_000,
      cache_write_1h_tokens: 10_000,
      output_tokens: 0,
    });
    expectUsd(costOf('anthropic', 'claude-sonnet-4-6', u, undefined, NOW).usd, (10_000 * 6) / M);
  });

  it('Claude Haiku 5.5 over 100k prompt tokens: 1-hour writes at 2 × the long input price ($0.50)', () => {
    const u = usage({
      input_tokens: 150_000,
      cache_write_tokens: 100_000,
      cache_write_1h_tokens: 100_000,
      output_tokens: 1_000,
    });
    expectUsd(
      costOf('anthropic', 'claude-haiku-5-5', u, undefined, NOW).usd,
      (50_000 * 0.5) / M + (100_000 * 1) / M + (1_000 * 2.5) / M,
    );
  });

  it('Claude Fable 5: 1-hour writes at $20 (2 × $10), 5-minute writes at $12.50', () => {
    const u = usage({
      input_tokens: 10_000,
      cache_write_tokens: 6_000,
      cache_write_1h_tokens: 4_000,
      output_tokens: 1_000,
    });
    expectUsd(
      costOf('anthropic', 'claude-fable-5', u, undefined, NOW).usd,
      (4_000 * 10) / M + (2_000 * 12.5) / M + (4_000 * 20) / M + (1_000 * 50) / M,
    );
  });

  it('a budget reserves the 1-hour write price as the dearest input rate', () => {
    expectUsd(
      budgetWorstCase('anthropic', 'claude-opus-5', 10_000, 1_000, undefined, NOW).usd,
      (10_000 * 10) / M + (1_000 * 25) / M,
    );
  });
});

describe('Gemini cache reads at their own price', () => {
  it('Gemini 2.5 Flash: $0.30 input, $0.03 context caching, $2.50 output', () => {
    const c = costOf(
      'gemini',
      'gemini-2.5-flash',
      usage({ input_tokens: 40_000, cache_read_tokens: 30_000, output_tokens: 2_000 }),
      undefined,
      NOW,
    );
    expect(c.approximate).toBe(false);
    expectUsd(c.usd, (10_000 * 0.3) / M + (30_000 * 0.03) / M + (2_000 * 2.5) / M);
  });

  it('Gemini 2.5 Flash-Lite: $0.10 input, $0.01 context caching, $0.40 output', () => {
    const c = costOf(
      'gemini',
      'gemini-2.5-flash-lite',
      usage({ input_tokens: 40_000, cache_read_tokens: 30_000, output_tokens: 2_000 }),
      undefined,
      NOW,
    );
    expectUsd(c.usd, (10_000 * 0.1) / M + (30_000 * 0.01) / M + (2_000 * 0.4) / M);
  });
});

// Every newly added or newly priced model: [provider, model, prices from its page, $/M].
const CELLS: Array<[ProviderId, string, { input: number; output: number; read: number; write: number }]> = [
  ['anthropic', 'claude-opus-5', { input: 5, output: 25, read: 0.5, write: 6.25 }],
  // Legacy Opus 4.6 / 4.7 / 4.8, still served: $5 / $25 on their pages, cache at the documented multipliers.
  ['anthropic', 'claude-opus-4-6', { input: 5, output: 25, read: 0.5, write: 6.25 }],
  ['anthropic', 'claude-opus-4-7', { input: 5, output: 25, read: 0.5, write: 6.25 }],
  ['anthropic', 'claude-opus-4-8', { input: 5, output: 25, read: 0.5, write: 6.25 }],
  // Pricing page: Fable 5.1 and Mythos 5.1 $10 / $50, 5m write $12.50, cache hits $0.25;
  // Fable 5 and Mythos 5 the same but cache hits $1.
  ['anthropic', 'claude-fable-5-1', { input: 10, output: 50, read: 0.25, write: 12.5 }],
  ['anthropic', 'claude-mythos-5-1', { input: 10, output: 50, read: 0.25, write: 12.5 }],
  ['anthropic', 'claude-fable-5', { input: 10, output: 50, read: 1, write: 12.5 }],
  ['anthropic', 'claude-mythos-5', { input: 10, output: 50, read: 1, write: 12.5 }],
  // Fable 5.2: no cache-read price in what we read, so reads bill at input.
  ['anthropic', 'claude-fable-5-2', { input: 8, output: 40, read: 8, write: 10 }],
  ['openai', 'gpt-5.6-terra', { input: 2, output: 12, read: 0.2, write: 2.5 }],
  ['openai', 'gpt-6-luna', { input: 0.1, output: 0.5, read: 0.01, write: 0.125 }],
  ['openai', 'gpt-6-sol', { input: 2, output: 10, read: 0.2, write: 2.5 }],
  ['openai', 'gpt-6.2-sol', { input: 2, output: 10, read: 0.1, write: 2.5 }],
  // Gemini bills no cache writes as such: written tokens are ordinary input; no caching price read.
  ['gemini', 'gemini-3.5-flash', { input: 1.5, output: 9, read: 1.5, write: 1.5 }],
  // Gemini 4 Argon: $4 / $20 from 2026-12-01 (launch price $2 / $10 before).
  ['gemini', 'gemini-4-argon', { input: 4, output: 20, read: 4, write: 4 }],
];

describe('every newly added model, one mixed request each', () => {
  for (const [provider, model, p] of CELLS) {
    it(`${provider}/${model}`, () => {
      expect(findModel(provider, model)?.id).toBe(model);
      const expected =
        ((40_000 - 20_000 - 8_000) * p.input) / M +
        (20_000 * p.read) / M +
        (8_000 * p.write) / M +
        (3_000 * p.output) / M;
      expectUsd(costOf(provider, model, MIXED, undefined, NOW).usd, expected);
    });
  }

  it('Gemini 4 Argon was $2 / $10 before 2026-12-01', () => {
    expectUsd(
      costOf(
        'gemini',
        'gemini-4-argon',
        usage({ input_tokens: 10_000, output_tokens: 1_000 }),
        undefined,
        new Date('2026-11-20T00:00:00Z'),
      ).usd,
      (10_000 * 2) / M + (1_000 * 10) / M,
    );
  });

  it('GPT-6.2 Sol above 272K prompt tokens: input and cache 2×, output 1.5× for the whole request', () => {
    const u = usage({ input_tokens: 300_000, cache_read_tokens: 100_000, output_tokens: 1_000 });
    expectUsd(
      costOf('openai', 'gpt-6.2-sol', u, undefined, NOW).usd,
      (200_000 * 4) / M + (100_000 * 0.2) / M + (1_000 * 15) / M,
    );
  });
});

describe('replacements and unpriced entries', () => {
  it('gpt-5, gpt-5-mini and gpt-5-nano name what the deprecations page names now', () => {
    expect(findModel('openai', 'gpt-5')?.replacement).toBe('gpt-6.1-sol');
    expect(findModel('openai', 'gpt-5-mini')?.replacement).toBe('gpt-6.1-terra');
    expect(findModel('openai', 'gpt-5-nano')?.replacement).toBe('gpt-6-luna');
  });

  it('a catalogue entry without a price is billed at the stated conservative price, marked approximate', () => {
    const u = usage({ input_tokens: 1_000, output_tokens: 100 });
    expect(costOf('openai', 'gpt-6.1-sol', u, undefined, NOW).usd).toBeNull();
    const assumed = assumedPrices('openai', NOW)!;
    const billed = billedCostOf('openai', 'gpt-6.1-sol', u, undefined, NOW);
    expect(billed.approximate).toBe(true);
    expect(billed.assumedFrom).toBe(assumed.dearestModel);
    expectUsd(billed.usd, (1_000 * assumed.prices.input) / M + (100 * assumed.prices.output) / M);
    // The dearest OpenAI prices in the catalogue: GPT-5.6 Sol's long-prompt $10 input and $45 output.
    expect(assumed.prices.input).toBe(10);
    expect(assumed.prices.output).toBe(45);
  });

  it('Gemini 3.6 and 3.7 Flash: catalogued with their token limits but no price, so billed as assumed', () => {
    const u = usage({ input_tokens: 2_000, output_tokens: 300 });
    const assumed = assumedPrices('gemini', NOW)!;
    for (const id of ['gemini-3.6-flash', 'gemini-3.7-flash']) {
      const m = findModel('gemini', id)!;
      expect([m.contextWindow, m.maxOutputTokens]).toEqual([1_048_576, 65_536]);
      expect(costOf('gemini', id, u, undefined, NOW).usd).toBeNull();
      const billed = billedCostOf('gemini', id, u, undefined, NOW);
      expect(billed.approximate).toBe(true);
      expectUsd(billed.usd, (2_000 * assumed.prices.input) / M + (300 * assumed.prices.output) / M);
    }
  });

  it('Gemini 3.7 Flash retires on 2027-01-28 (Google Cloud), replaced by Gemini 3.8 Flash', () => {
    const m = findModel('gemini', 'gemini-3.7-flash')!;
    expect(deprecationStatus(m, NOW).state).toBe('ok');
    expect(deprecationStatus(m, new Date('2027-01-01T00:00:00Z'))).toEqual({
      state: 'soon',
      endOfLife: '2027-01-28',
      replacement: 'gemini-3.8-flash',
    });
    expect(deprecationStatus(m, new Date('2027-01-28T00:00:00Z')).state).toBe('past');
  });

  it('GPT-6.1 Sol keeps no price but has its documented token limits', () => {
    const m = findModel('openai', 'gpt-6.1-sol')!;
    expect([m.contextWindow, m.maxOutputTokens]).toEqual([1_050_000, 128_000]);
  });
});
