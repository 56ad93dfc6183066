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
 * - Anthropic: cache writes have a 5-minute and a 1-hour price: `cacheWrite` (1.25× input) and
 *   `cacheWrite1h` (2× input). The canonical Usage counts the 1-hour ones apart
 *   (cache_write_1h_tokens, from usage.cache_creation.ephemeral_1h_input_tokens).
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
  /** Anthropic: the 5-minute cache write; others: their one cache-write price. */
  cacheWrite: number | null;
  /** Anthropic's 1-hour cache write (2× input); absent where the provider has no such price. */
  cacheWrite1h?: number | null;
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

/** The date the older prices in the provider tables were read. */
export const AS_OF = '2026-11-27';

/** The date the entries added or corrected for issue #21 were read. */
export const READ_2026_12_06 = '2026-12-06';
