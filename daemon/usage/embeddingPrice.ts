import { emptyUsage, type ProviderId } from '../../protocol';
import { EMBEDDING_PRICES_PER_MTOK } from '../cache/embeddingUsage';
import { costOf, type PriceOverrides } from './pricing';

/** USD per million input tokens of an embedding model; an embedding has no output tokens. */
export interface EmbeddingRate {
  perMTok: number;
  /** True when the model has no known price and the dearest listed one stands in for it. */
  assumed: boolean;
}

const DEAREST = Math.max(...Object.values(EMBEDDING_PRICES_PER_MTOK));

/**
 * The price `prices` in config.json sets, else the catalogue's, else the embedding list prices;
 * a model priced nowhere is charged (and reserved) at the dearest listed embedding price, so a
 * budget still holds, with the cost marked as an estimate.
 */
export function embeddingRate(provider: ProviderId, model: string, overrides?: PriceOverrides): EmbeddingRate {
  const million = costOf(provider, model, { ...emptyUsage(), input_tokens: 1_000_000 }, overrides);
  if (!million.unknownPrice && million.usd !== null) return { perMTok: million.usd, assumed: false };
  const listed = EMBEDDING_PRICES_PER_MTOK[model];
  return listed !== undefined ? { perMTok: listed, assumed: false } : { perMTok: DEAREST, assumed: true };
}

export function embeddingCostUsd(rate: EmbeddingRate, tokens: number): number {
  return (rate.perMTok * Math.max(0, tokens)) / 1_000_000;
}

/**
 * The most the inputs can count as: every token of the tokenizers in use stands for at least one
 * byte of UTF-8 (see inputTokensUpperBound), so the byte count bounds the tokens.
 */
export function embeddingTokensUpperBound(inputs: readonly string[]): number {
  return inputs.reduce((n, t) => n + Buffer.byteLength(t, 'utf8') + 1, 0);
}
