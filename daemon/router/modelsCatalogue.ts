/**
 * The models Conduit knows, kept as data: capabilities, lifecycle and prices.
 *
 * Prices are USD per million tokens, taken from the providers' published pages (see `source`
 * and `asOf` on every entry). A price is `null` when we could not confirm it; pricing then
 * reports "unknown price" for that model (input/output) or falls back to the documented rule
 * for that kind of token (cache read/write), never a silent zero.
 *
 * How the canonical Usage maps onto these prices (see daemon/usage/pricing.ts):
 *   uncached input = input_tokens − cache_read_tokens − cache_write_tokens  → `input`
 *   cache_read_tokens                                                       → `cacheRead`
 *   cache_write_tokens                                                      → `cacheWrite`
 *   output_tokens (reasoning/thinking included)                             → `output`
 *
 * Provider notes
 * - Anthropic: cache writes have a 5-minute and a 1-hour price. The canonical Usage does not say
 *   which TTL was used, and the 5-minute one is the API default, so `cacheWrite` is the 5-minute
 *   price. (1-hour writes cost 2× input, 5-minute writes 1.25× input.)
 * - OpenAI: prompt caching is automatic; cached input has its own ("Cached input") price. For
 *   the GPT-5.4 and older models there is no charge for writing the cache, so `cacheWrite` is
 *   null and written tokens are ordinary input. The GPT-5.6 family bills cache writes at 1.25×
 *   the uncached input rate (stated on each GPT-5.6 model page).
 * - Gemini: cached tokens (implicit or explicit caches) are billed at the "Context caching
 *   price"; cache storage per hour is billed separately and is not part of a request's cost.
 *   Gemini never writes a cache as a side effect of generateContent, so `cacheWrite` is null.
 *   Thinking tokens are billed as output.
 * - Long prompts: some models charge more for the WHOLE request (output included) when the
 *   prompt (canonical input_tokens, cached parts included) exceeds a threshold: Gemini 2.5 Pro
 *   and 3.1 Pro above 200k, Claude Haiku 5.5 above 100k, GPT-5.4 / GPT-5.6 above 272k.
 *   That is `longPrompt`.
 * - Dated price changes (promotions ending, announced cuts) are `priceChanges`, ascending.
 */

export const CATALOGUE_PROVIDERS = ['anthropic', 'openai', 'gemini'] as const;
export type CatalogueProvider = (typeof CATALOGUE_PROVIDERS)[number];

export type ModelTier = 'simple' | 'moderate' | 'complex';

/** USD per million tokens; null when the provider has no such price or we could not confirm it. */
export interface TokenPrices {
  input: number | null;
  output: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
}

/** Prices that replace the base ones for the whole request when the prompt is above a size. */
export interface LongPromptPrices extends TokenPrices {
  /** Applies when canonical input_tokens (the whole prompt) is strictly greater than this. */
  aboveInputTokens: number;
}

export interface PriceSchedule extends TokenPrices {
  longPrompt?: LongPromptPrices;
}

export interface PriceChange {
  /** ISO date (UTC) from which `prices` apply. */
  from: string;
  prices: PriceSchedule;
  note?: string;
}

export interface CatalogueModel {
  provider: CatalogueProvider;
  /** The id the API takes (an alias where the provider has one). */
  id: string;
  /** Other ids the provider serves for the same model, e.g. dated snapshots. */
  aliases?: readonly string[];
  tier: ModelTier;
  /** Input context window in tokens; null when not confirmed. */
  contextWindow: number | null;
  maxOutputTokens: number | null;
  prices: PriceSchedule;
  priceChanges?: readonly PriceChange[];
  /** Batch API discount as a fraction (0.5 = half price); null when unknown. */
  batchDiscount: number | null;
  /** ISO date (UTC) the model stops being served; null when none is announced. */
  endOfLife: string | null;
  replacement: string | null;
  /** Where the prices came from, and when they were read. */
  source: string;
  asOf: string;
  note?: string;
}

const ANTHROPIC_PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';
const OPENAI_PRICING = 'https://developers.openai.com/api/docs/pricing';
const GEMINI_PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';

const AS_OF = '2026-11-27';

export const MODELS_CATALOGUE: readonly CatalogueModel[] = [
  // ---------------------------------------------------------------- Anthropic
  {
    provider: 'anthropic',
    id: 'claude-haiku-5-5',
    tier: 'simple',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Priced by prompt length: up to 100,000 prompt tokens (cache reads and writes counted) one
    // price, above it five times that, for every token of the request, output included.
    // Input/output/5m-write from the model overview page; cache-read rates ($0.01 / $0.05) as
    // reported from the pricing page by several price trackers after the 2026-10-07 launch.
    prices: {
      input: 0.1, output: 0.5, cacheRead: 0.01, cacheWrite: 0.125,
      longPrompt: { aboveInputTokens: 100_000, input: 0.5, output: 2.5, cacheRead: 0.05, cacheWrite: 0.625 },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/haiku-5-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-haiku-4-5',
    aliases: ['claude-haiku-4-5-20251001'],
    tier: 'simple',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    prices: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    batchDiscount: 0.5,
    // Legacy (Haiku 5.5 is current) but not deprecated: no retirement date announced.
    endOfLife: null,
    replacement: null,
    source: ANTHROPIC_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-5-5',
    tier: 'moderate',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    prices: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
    priceChanges: [{
      from: '2026-10-07',
      prices: { input: 2, output: 10, cacheRead: 0.1, cacheWrite: 2.5 },
      note: 'Cache hits cut from $0.20 to $0.10 (0.05× input) on 2026-10-07, as read from the pricing page by price trackers; the model page snapshot we found still showed $0.20.',
    }],
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/sonnet-5-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-5',
    tier: 'moderate',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // The increase to $3/$15 scheduled for 2026-09-01 was cancelled; $2/$10 is the standard price.
    prices: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/sonnet-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-4-6',
    tier: 'moderate',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // No long-context premium on Sonnet 4.6: the 1M window is billed at the standard rate.
    prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: ANTHROPIC_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-4-5',
    aliases: ['claude-sonnet-4-5-20250929'],
    tier: 'moderate',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    batchDiscount: 0.5,
    // Deprecated; retires 2026-11-30 (model page and the SDK's DEPRECATED_MODELS agree).
    endOfLife: '2026-11-30',
    replacement: 'claude-sonnet-5-5',
    source: 'https://platform.claude.com/docs/en/models/sonnet-4-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-5-5',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    prices: { input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/opus-5-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-4-5',
    aliases: ['claude-opus-4-5-20251101'],
    tier: 'complex',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    prices: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    batchDiscount: 0.5,
    // Deprecated: the SDK's DEPRECATED_MODELS gives January 22nd, 2027. No replacement named
    // in what we could read (Claude Opus 5.5 is the current Opus).
    endOfLife: '2027-01-22',
    replacement: null,
    source: ANTHROPIC_PRICING,
    asOf: AS_OF,
  },

  // ---------------------------------------------------------------- OpenAI
  {
    provider: 'openai',
    id: 'gpt-5.6-luna',
    tier: 'simple',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Cache writes: 1.25× the uncached input rate; >272K input: 2× input, 1.5× output for the
    // full request (both stated on the model page). The page does not give the long-prompt
    // cached-input rate, so it is null there (cache hits then bill at the long input rate).
    prices: {
      input: 0.2, output: 1.2, cacheRead: 0.02, cacheWrite: 0.25,
      longPrompt: { aboveInputTokens: 272_000, input: 0.4, output: 1.8, cacheRead: null, cacheWrite: 0.5 },
    },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-luna',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.4-nano',
    aliases: ['gpt-5.4-nano-2026-03-17'],
    tier: 'simple',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.2, output: 1.25, cacheRead: 0.02, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.4-nano',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5-nano',
    aliases: ['gpt-5-nano-2025-08-07'],
    tier: 'simple',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.05, output: 0.4, cacheRead: 0.005, cacheWrite: null },
    batchDiscount: 0.5,
    // Deprecated 2026-06-11, shutdown 2026-12-11. Replacement named at the announcement:
    // gpt-5.6-luna (the deprecations page now names gpt-6-luna, which the installed SDK lacks).
    endOfLife: '2026-12-11',
    replacement: 'gpt-5.6-luna',
    source: 'https://developers.openai.com/api/docs/models/gpt-5-nano',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.4-mini',
    aliases: ['gpt-5.4-mini-2026-03-17'],
    tier: 'moderate',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.75, output: 4.5, cacheRead: 0.075, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.6-terra',
    tier: 'moderate',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Prices null on purpose: we could not read them on OpenAI's own page (third parties list
    // $2/$12 and $2.50/$15). Cost is reported as unknown until confirmed or overridden.
    prices: { input: null, output: null, cacheRead: null, cacheWrite: null },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-terra',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5-mini',
    aliases: ['gpt-5-mini-2025-08-07'],
    tier: 'moderate',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.25, output: 2, cacheRead: 0.025, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: '2026-12-11',
    replacement: 'gpt-5.6-terra',
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.6-sol',
    tier: 'complex',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // The model page lists a promotional $4 / $20 ($0.40 cached), "a 20% / 33% reduction",
    // available "at least until November 21, 2026". That date has passed, so we keep the list
    // price it was reduced from ($5 / $30 / $0.50): an upper bound for budgets and the cost
    // guard. Override it in settings if the promotion is still running for you.
    prices: {
      input: 5, output: 30, cacheRead: 0.5, cacheWrite: 6.25,
      longPrompt: { aboveInputTokens: 272_000, input: 10, output: 45, cacheRead: null, cacheWrite: 12.5 },
    },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-sol',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.4',
    tier: 'complex',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    prices: {
      input: 2.5, output: 15, cacheRead: 0.25, cacheWrite: null,
      longPrompt: { aboveInputTokens: 272_000, input: 5, output: 22.5, cacheRead: null, cacheWrite: null },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5',
    aliases: ['gpt-5-2025-08-07'],
    tier: 'complex',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: '2026-12-11',
    replacement: 'gpt-5.6-sol',
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },

  // ---------------------------------------------------------------- Gemini
  {
    provider: 'gemini',
    id: 'gemini-3.5-flash-lite',
    tier: 'simple',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Context caching price not confirmed: cache hits bill at the input price (an upper bound).
    prices: { input: 0.3, output: 2.5, cacheRead: null, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-2.5-flash-lite',
    tier: 'simple',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    prices: { input: 0.1, output: 0.4, cacheRead: null, cacheWrite: null },
    batchDiscount: 0.5,
    // "Not deprecated and remains available through the API until further notice."
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-3.8-flash',
    tier: 'moderate',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Launch promotion: $0.75 / $3.75 through 2026-12-31, then $1.50 / $7.50 from 2027-01-01
    // (both stated on the pricing page). Cache reads $0.075 during the promotion (as reported
    // with the launch); the post-promotion caching price is not published in what we read.
    prices: { input: 0.75, output: 3.75, cacheRead: 0.075, cacheWrite: null },
    priceChanges: [{
      from: '2027-01-01',
      prices: { input: 1.5, output: 7.5, cacheRead: null, cacheWrite: null },
      note: 'End of the launch promotion.',
    }],
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-2.5-flash',
    tier: 'moderate',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    prices: { input: 0.3, output: 2.5, cacheRead: null, cacheWrite: null },
    batchDiscount: 0.5,
    // Shutdown 2026-12-01 on the Gemini API deprecations page (as read on 2026-11-10);
    // requests are then routed to gemini-3.5-flash-lite and billed at its rates.
    endOfLife: '2026-12-01',
    replacement: 'gemini-3.5-flash-lite',
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-3.1-pro-preview',
    tier: 'complex',
    contextWindow: null,
    maxOutputTokens: null,
    // Preview model, no shutdown date announced. Caching price not confirmed.
    prices: {
      input: 2, output: 12, cacheRead: null, cacheWrite: null,
      longPrompt: { aboveInputTokens: 200_000, input: 4, output: 18, cacheRead: null, cacheWrite: null },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-2.5-pro',
    tier: 'complex',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    prices: {
      input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: null,
      longPrompt: { aboveInputTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.25, cacheWrite: null },
    },
    batchDiscount: 0.5,
    // Shutdown 2026-12-01 (deprecations page, as read on 2026-11-10); routed to gemini-3.8-flash.
    endOfLife: '2026-12-01',
    replacement: 'gemini-3.8-flash',
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
];
