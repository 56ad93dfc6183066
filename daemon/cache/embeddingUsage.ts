import { emptyUsage } from '../../protocol';
import type { RequestRecord } from '../usage/requestRecord';
import { nodeCrypto } from '../platform/nodeCrypto';

/** One call to a provider's embeddings endpoint, as the provider embedder reports it. */
export interface EmbeddingCall {
  provider: 'openai' | 'gemini';
  model: string;
  texts: number;
  /** As the provider reported them, or estimated from the text when it does not (Gemini). */
  inputTokens: number;
  estimated: boolean;
  startedAt: number;
  latencyMs: number;
  /** Null on success. */
  error: string | null;
}

/**
 * USD per million input tokens of the embedding models the cache uses by default (OpenAI's and
 * Google's published list prices). Chat prices live in the model catalogue; these only price the
 * cache's own calls. A model not listed is recorded with an unknown cost.
 */
export const EMBEDDING_PRICES_PER_MTOK: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 0.02,
  'text-embedding-3-large': 0.13,
  'text-embedding-ada-002': 0.1,
  'gemini-embedding-001': 0.15,
};

export function embeddingCost(model: string, inputTokens: number): number | null {
  const price = EMBEDDING_PRICES_PER_MTOK[model];
  return price === undefined ? null : (price * inputTokens) / 1_000_000;
}

/** The ledger row of an embedding call: feature `embedding`, so `conduit usage` shows what the semantic cache costs. */
export function embeddingRecord(call: EmbeddingCall): RequestRecord {
  return {
    requestId: `emb_${nodeCrypto().randomUUID()}`,
    startedAt: call.startedAt,
    client: 'other',
    feature: 'embedding',
    priority: 'background',
    provider: call.provider,
    model: call.model,
    tier: null,
    experimentArm: null,
    usage: { ...emptyUsage(), input_tokens: call.inputTokens },
    costUsd: embeddingCost(call.model, call.inputTokens),
    costSavedUsd: 0,
    costEstimated: call.estimated,
    latencyMs: call.latencyMs,
    ttftMs: null,
    attempts: 1,
    errorCode: call.error === null ? null : 'server_error',
    httpStatus: null,
    fallbackPath: [],
    cache: 'none',
    coalesced: false,
    stream: false,
    profile: 'default',
    sample: null,
  };
}
