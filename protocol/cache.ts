import { RequestType } from 'vscode-jsonrpc';
import type { ChatRequest } from './chat';
import type { ConduitErrorData } from './errors';

/** The daemon's response cache, since the daemon started (entries and bytes: now). */
export interface CacheStatsResult {
  enabled: boolean;
  entries: number;
  /** Memory the entries take (text, prompt, vectors), estimated. */
  bytes: number;
  maxEntries: number;
  maxBytes: number;
  hits: { exact: number; semantic: number; stale: number };
  /** Lookups that found nothing usable. */
  misses: number;
  /** (exact + semantic) / (exact + semantic + misses); stale answers are outages, not hits. */
  hitRate: number;
  /** What the cached answers would have cost upstream. */
  costSavedUsd: number;
  /** Requests that shared another identical request's upstream call. */
  coalesced: number;
  semantic: {
    enabled: boolean;
    embedder: string;
    indexed: number;
    /** Candidates the false-hit guards turned down, by reason. */
    rejected: Record<string, number>;
    /** The similarity a match needs for feature `ask`: the setting, or the embedder's default. */
    threshold?: number;
    /**
     * What the lexical embedder gives on the labelled pairs at its default threshold (measured by
     * the bench): paraphrases found, and wrong hits as a share of all hits.
     */
    lexicalFigures?: {
      threshold: number;
      corpus: { pairs: number; recall: number; wrongShareOfHits: number };
      unseen: { pairs: number; recall: number; wrongShareOfHits: number };
    };
    /** Providers whose embeddings could be used now (a key is set), when the embedder is not already `provider`. */
    providerAvailable?: ('openai' | 'gemini')[];
    /** What is known of the embedder in use on the labelled pairs, in a sentence. */
    qualityNote?: string;
    /** Micro-batching of embedding requests, when the embedder is batched (provider, local). */
    batching?: {
      /** Embedding requests from lookups, stores and warming, and the texts they asked for. */
      requests: number;
      texts: number;
      /** Calls to the embedder (provider HTTP requests, local inference runs) they became. */
      upstreamCalls: number;
      upstreamTexts: number;
      /** Upstream calls aborted because every caller in them was cancelled. */
      abandoned: number;
    };
    /** Scopes large enough to be searched in a usearch HNSW graph, and what they hold. */
    ann?: {
      scopes: number;
      entries: number;
      /** What this start loaded from the graphs saved at the last stop, instead of rebuilding. */
      loadedFromDisk: { scopes: number; entries: number };
      /** Why a saved graph was not used and its scope was rebuilt from the store. */
      rebuildReasons: string[];
    };
  };
  /** When these counters started, ms since the epoch. */
  since: number;
}

export interface CacheClearResult {
  removed: number;
}

export interface CacheWarmParams {
  requests: ChatRequest[];
}

export interface CacheWarmResult {
  /** Sent upstream and now cached. */
  warmed: number;
  /** Already cached, or not cacheable (temperature, feature). */
  skipped: number;
  /** Of the skipped: an answer was cached already. */
  alreadyCached?: number;
  /** Of the skipped: never cacheable, because its temperature is not 0 (and the feature does not cache sampled answers). */
  notCacheable?: number;
  failed: number;
  /** One line per failure: the index in `requests` and why. */
  errors: string[];
}

export const CacheStatsRequest = {
  method: 'cache/stats',
  type: new RequestType<Record<string, never>, CacheStatsResult, ConduitErrorData>('cache/stats'),
} as const;

export const CacheClearRequest = {
  method: 'cache/clear',
  type: new RequestType<Record<string, never>, CacheClearResult, ConduitErrorData>('cache/clear'),
} as const;

/** Sends each request at background priority unless its answer is already cached. */
export const CacheWarmRequest = {
  method: 'cache/warm',
  type: new RequestType<CacheWarmParams, CacheWarmResult, ConduitErrorData>('cache/warm'),
} as const;
