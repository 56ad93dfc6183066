import { z } from 'zod';
import type { ProviderId, Usage } from '../../protocol';
import { findModel, pricesAt } from '../router/models';
import type { PriceSchedule, TokenPrices } from '../router/modelsCatalogue';
import { assumedPrices } from './assumedPrices';

/**
 * What requests cost, from the canonical Usage and the models catalogue.
 *
 * The canonical Usage counts the whole prompt in input_tokens (cache reads and writes included)
 * and reasoning inside output_tokens, on every provider, so:
 *   input      = (input_tokens − cache_read_tokens − cache_write_tokens) × input price
 *   cacheRead  = cache_read_tokens  × cache-read price
 *   cacheWrite = 5-minute writes × cache-write price + 1-hour writes (cache_write_1h_tokens) ×
 *                the 1-hour price (Anthropic: 1.25× and 2× input)
 *   output     = output_tokens × output price (reasoning is not added again)
 * with the long-prompt prices for the whole request when the model has them and input_tokens
 * is above the threshold.
 *
 * When the provider has no separate price for cache reads or writes (cacheRead/cacheWrite null),
 * those tokens are billed as ordinary input, which is what OpenAI does for cache writes on its
 * older models; where a published cache-read discount exists but we could not confirm it, this
 * is an upper bound and the result says `approximate: true`.
 *
 * Values are unrounded USD (floating point, exact well within 1e-6 for realistic counts);
 * round only for display, with formatUsd.
 */

/** Per-model price overrides from the settings, keyed by model id; a given field wins. */
export type PriceOverrides = Readonly<Record<string, Partial<TokenPrices>>>;

/** `prices` in config.json: USD per million tokens, e.g. { "gpt-5.4-mini": { "input": 0.2 } }. */
export const priceOverridesSchema = z.record(
  z.string().min(1),
  z
    .object({
      input: z.number().nonnegative().optional(),
      output: z.number().nonnegative().optional(),
      cacheRead: z.number().nonnegative().optional(),
      cacheWrite: z.number().nonnegative().optional(),
      cacheWrite1h: z.number().nonnegative().optional(),
    })
    .strict(),
);

export interface CostBreakdown {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface CostResult {
  /** Total USD; null when the model's input or output price is unknown. */
  usd: number | null;
  unknownPrice: boolean;
  /** USD per kind of token; null when the price is unknown. */
  breakdown: CostBreakdown | null;
  /** The catalogue id the model resolved to (e.g. a dated snapshot → its alias), when found. */
  model: string | null;
  /** True when the long-prompt prices applied. */
  longPrompt: boolean;
  /**
   * True when the figure is not the model's own price: cache tokens billed at the input price
   * because their own price is unconfirmed, or (with assumedFrom) the whole request at the
   * provider's dearest prices because the model has none.
   */
  approximate: boolean;
  /** The dearest model of the provider whose prices were assumed for an unpriced model. */
  assumedFrom?: string;
}

export interface PriceRef {
  provider: ProviderId;
  model: string;
}

const PER_MILLION = 1_000_000;

interface ResolvedPrices {
  model: string | null;
  schedule: PriceSchedule | null;
}

function overrideFor(
  overrides: PriceOverrides | undefined,
  requested: string,
  resolved: string | null,
): Partial<TokenPrices> | undefined {
  if (!overrides) return undefined;
  return overrides[requested] ?? (resolved !== null ? overrides[resolved] : undefined);
}

function resolve(provider: ProviderId, model: string, at: Date): ResolvedPrices {
  const entry = findModel(provider, model);
  return { model: entry?.id ?? null, schedule: entry ? pricesAt(entry, at) : null };
}

/** The prices that apply to one request with this many prompt tokens, overrides applied. */
export function effectivePrices(
  provider: ProviderId,
  model: string,
  promptTokens: number,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): { prices: TokenPrices; model: string | null; longPrompt: boolean } {
  const { model: resolved, schedule } = resolve(provider, model, at);
  let prices: TokenPrices = { input: null, output: null, cacheRead: null, cacheWrite: null, cacheWrite1h: null };
  let longPrompt = false;
  if (schedule) {
    const long = schedule.longPrompt;
    const from = long && promptTokens > long.aboveInputTokens ? long : schedule;
    longPrompt = from === long;
    prices = {
      input: from.input,
      output: from.output,
      cacheRead: from.cacheRead,
      cacheWrite: from.cacheWrite,
      cacheWrite1h: from.cacheWrite1h ?? null,
    };
  }
  const override = overrideFor(overrides, model, resolved);
  if (override) {
    for (const key of ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'] as const) {
      const value = override[key];
      if (value !== undefined) prices[key] = value;
    }
  }
  return { prices, model: resolved, longPrompt };
}

function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** The cost of one request's usage. Unknown models (and unknown input/output prices) give usd null. */
export function costOf(
  provider: ProviderId,
  model: string,
  usage: Usage,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): CostResult {
  const prompt = count(usage.input_tokens);
  const { prices, model: resolved, longPrompt } = effectivePrices(provider, model, prompt, overrides, at);
  if (prices.input === null || prices.output === null) {
    return { usd: null, unknownPrice: true, breakdown: null, model: resolved, longPrompt, approximate: false };
  }
  const read = count(usage.cache_read_tokens);
  // Cache writes without their own price are ordinary input (OpenAI before GPT-5.6, Gemini), so
  // only cache reads billed at the input price make the figure an upper bound.
  const approximate = read > 0 && prices.cacheRead === null;
  const breakdown = breakdownAt({ ...prices, input: prices.input, output: prices.output }, usage);
  const usd = breakdown.input + breakdown.cacheRead + breakdown.cacheWrite + breakdown.output;
  return { usd, unknownPrice: false, breakdown, model: resolved, longPrompt, approximate };
}

function breakdownAt(prices: TokenPrices & { input: number; output: number }, usage: Usage): CostBreakdown {
  const prompt = count(usage.input_tokens);
  const read = count(usage.cache_read_tokens);
  const write = count(usage.cache_write_tokens);
  const write1h = Math.min(write, count(usage.cache_write_1h_tokens ?? 0));
  const uncached = Math.max(0, prompt - read - write);
  const write5m = prices.cacheWrite ?? prices.input;
  return {
    input: (uncached * prices.input) / PER_MILLION,
    cacheRead: (read * (prices.cacheRead ?? prices.input)) / PER_MILLION,
    cacheWrite: ((write - write1h) * write5m + write1h * (prices.cacheWrite1h ?? write5m)) / PER_MILLION,
    output: (count(usage.output_tokens) * prices.output) / PER_MILLION,
  };
}

/**
 * What a request is billed at in the ledger and against budgets: its model's price, or for a
 * model the catalogue has no price for, its provider's dearest prices (see assumedPrices.ts),
 * marked approximate with the model they were assumed from. usd stays null only where no price
 * can be stated at all (a local server).
 */
export function billedCostOf(
  provider: ProviderId,
  model: string,
  usage: Usage,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): CostResult {
  const known = costOf(provider, model, usage, overrides, at);
  if (!known.unknownPrice) return known;
  const assumed = assumedPrices(provider, at);
  if (!assumed) return known;
  const breakdown = breakdownAt(assumed.prices, usage);
  const usd = breakdown.input + breakdown.cacheRead + breakdown.cacheWrite + breakdown.output;
  return { ...known, usd, breakdown, approximate: true, assumedFrom: assumed.dearestModel };
}

/**
 * The most a request can cost, for budget reservations: every prompt token billed at the dearer
 * of the input and cache-write prices (the request may write its whole prompt to the cache, and
 * no cache hit is assumed), the long-prompt prices if the estimate is over the threshold, and
 * maxTokens of output.
 */
export function worstCaseCost(
  provider: ProviderId,
  model: string,
  estimatedInputTokens: number,
  maxTokens: number,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): { usd: number | null; unknownPrice: boolean } {
  const prompt = count(estimatedInputTokens);
  const { prices } = effectivePrices(provider, model, prompt, overrides, at);
  if (prices.input === null || prices.output === null) return { usd: null, unknownPrice: true };
  const inputRate = Math.max(prices.input, prices.cacheWrite ?? 0, prices.cacheWrite1h ?? 0);
  return { usd: (prompt * inputRate + count(maxTokens) * prices.output) / PER_MILLION, unknownPrice: false };
}

/**
 * The worst case a budget reserves: worstCaseCost, or for a model without a known price the
 * same bound at its provider's dearest prices (`assumedFrom` names the model they come from).
 * usd is null only where no price can be stated (a local server).
 */
export function budgetWorstCase(
  provider: ProviderId,
  model: string,
  estimatedInputTokens: number,
  maxTokens: number,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): { usd: number | null; assumedFrom: string | null } {
  const known = worstCaseCost(provider, model, estimatedInputTokens, maxTokens, overrides, at);
  if (!known.unknownPrice) return { usd: known.usd, assumedFrom: null };
  const assumed = assumedPrices(provider, at);
  if (!assumed) return { usd: null, assumedFrom: null };
  const p = assumed.prices;
  const inputRate = Math.max(p.input, p.cacheWrite ?? 0, p.cacheWrite1h ?? 0);
  return {
    usd: (count(estimatedInputTokens) * inputRate + count(maxTokens) * p.output) / PER_MILLION,
    assumedFrom: assumed.dearestModel,
  };
}

/**
 * The price used to compare models: input + output USD per million tokens, at the base (not
 * long-prompt) prices. It weighs input and output equally, which ranks models the same way as
 * any fixed mix for models whose output/input ratio is alike (4–8× everywhere in the catalogue)
 * and needs no assumption about a request's shape. Null when either price is unknown.
 */
export function blendedPrice(
  provider: ProviderId,
  model: string,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): number | null {
  const { prices } = effectivePrices(provider, model, 0, overrides, at);
  if (prices.input === null || prices.output === null) return null;
  return prices.input + prices.output;
}

/**
 * For the fallback cost guard: true when `candidate` is dearer than `primary` by blended price,
 * false when it is not, null when either price is unknown (the guard then leaves it out).
 */
export function isCostlier(
  candidate: PriceRef,
  primary: PriceRef,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): boolean | null {
  const a = blendedPrice(candidate.provider, candidate.model, overrides, at);
  const b = blendedPrice(primary.provider, primary.model, overrides, at);
  if (a === null || b === null) return null;
  return a > b;
}

// The CLI prints amounts without loading this file's schemas.
export { formatUsd } from './formatUsd';

/**
 * What each provider's Batch API charges, as a share of its ordinary prices: Anthropic Message
 * Batches, OpenAI Batch and Gemini batch mode all bill 50% of the interactive rate, for input,
 * output and cache tokens alike. A local server has no batch mode, and Conduit does not submit
 * batches through the cloud platforms (Bedrock, Vertex, Azure), so they keep full price.
 */
export const BATCH_PRICE_FACTOR: Readonly<Record<ProviderId, number>> = {
  anthropic: 0.5,
  openai: 0.5,
  gemini: 0.5,
  openaiCompatible: 1,
  anthropicBedrock: 1,
  anthropicVertex: 1,
  geminiVertex: 1,
  azureOpenai: 1,
};

/** The cost of one request answered through the provider's Batch API. */
export function batchCostOf(
  provider: ProviderId,
  model: string,
  usage: Usage,
  overrides?: PriceOverrides,
  at: Date = new Date(),
): CostResult {
  const full = costOf(provider, model, usage, overrides, at);
  const factor = BATCH_PRICE_FACTOR[provider];
  if (full.usd === null || full.breakdown === null) return full;
  const b = full.breakdown;
  return {
    ...full,
    usd: full.usd * factor,
    breakdown: {
      input: b.input * factor,
      output: b.output * factor,
      cacheRead: b.cacheRead * factor,
      cacheWrite: b.cacheWrite * factor,
    },
  };
}
