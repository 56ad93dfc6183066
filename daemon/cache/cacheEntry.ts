import type { ChatRequest, ProviderId, Usage } from '../../protocol';

/** One cached answer, as kept in memory and in cache.db. */
/** What the gateway hands over to store: a complete, successful answer. */
export interface AnswerToStore {
  text: string;
  provider: ProviderId;
  model: string;
  stopReason: string | null;
  /** The stop sequence the answer ended at, when the provider said: a hit names it as the call did. */
  stopSequence?: string;
  /** What the original call used and cost; a hit bills nothing and reports this cost as saved. */
  usage: Usage;
  costUsd: number | null;
}

export interface CacheEntry extends AnswerToStore {
  key: string;
  /** The semantic scope (see cacheKey.ts); entries only ever match inside their own. */
  scope: string;
  feature: string;
  /** The request as it was answered, provider and model filled in: what warming sends again. */
  request: ChatRequest;
  /** The last user message, normalized: what a semantic match reports and the guards compare. */
  prompt: string;
  createdAt: number;
  /** Absolute time (ms since the epoch), so a TTL still holds after a restart. */
  expiresAt: number;
  /** Times this entry answered; warming picks the most used. */
  hits: number;
  /** Unit-length embedding of `prompt`, and the embedder that made it; absent when not indexed. */
  vector?: Float32Array;
  embedder?: string;
}

/**
 * What an entry costs in memory: strings at two bytes a character, overhead, and the vector twice:
 * the entry keeps its own (it is persisted with it) and the semantic index holds a copy in its
 * rows. Counting one of them only, the bound left half the vectors' memory out (bench/, scenario 8).
 */
export function entryBytes(e: CacheEntry): number {
  const chars = e.text.length + e.prompt.length + JSON.stringify(e.request).length + (e.stopSequence?.length ?? 0);
  return chars * 2 + (e.vector ? e.vector.byteLength * 2 : 0) + 256;
}
