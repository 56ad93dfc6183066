import { LRUCache } from 'lru-cache';
import { nodeCrypto } from '../platform/nodeCrypto';

/** A stored embeddings answer, with what it cost, so a hit can say what it saved. */
export interface CachedEmbeddings {
  vectors: number[][];
  model: string;
  promptTokens: number;
  costUsd: number | null;
  expiresAt: number;
}

export interface EmbeddingCacheOptions {
  maxEntries: number;
  maxBytes: number;
  now?: () => number;
}

/**
 * The exact cache of `/v1/embeddings`: the key is the provider, the model and the inputs as
 * sent, byte for byte, in order. An embedding is a function of exactly those, so unlike a chat
 * answer there is nothing to normalise and no semantic match: a different text is a different
 * vector. Bounded by entries and by bytes (a 1,536-float vector is about 12 KiB here).
 */
export class EmbeddingCache {
  private readonly lru: LRUCache<string, CachedEmbeddings>;
  private readonly now: () => number;

  constructor(opts: EmbeddingCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.lru = new LRUCache<string, CachedEmbeddings>({
      max: opts.maxEntries,
      maxSize: opts.maxBytes,
      sizeCalculation: (e) => Math.max(1, bytesOf(e)),
      maxEntrySize: opts.maxBytes,
    });
  }

  /** `dimensions`, when the client asked for shortened vectors: another length is another answer. */
  static key(provider: string, model: string, inputs: readonly string[], dimensions?: number): string {
    // Length-prefixed, so no two different input lists can hash the same text.
    const dims = dimensions === undefined ? '' : `\u0000d${dimensions}`;
    const h = nodeCrypto().createHash('sha256').update(`${provider}\u0000${model}${dims}\u0000${inputs.length}`);
    for (const text of inputs) h.update(`\u0000${Buffer.byteLength(text, 'utf8')}\u0000`).update(text, 'utf8');
    return h.digest('hex');
  }

  /** A fresh entry, or undefined (an expired one is dropped). */
  get(key: string): CachedEmbeddings | undefined {
    const e = this.lru.get(key);
    if (!e) return undefined;
    if (this.now() >= e.expiresAt) {
      this.lru.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, entry: Omit<CachedEmbeddings, 'expiresAt'>, ttlMs: number): void {
    this.lru.set(key, { ...entry, expiresAt: this.now() + ttlMs });
  }

  get size(): number {
    return this.lru.size;
  }
}

/** A JS number array holds 8 bytes a number; the model name and bookkeeping are small beside it. */
function bytesOf(e: CachedEmbeddings): number {
  let n = 64 + e.model.length;
  for (const v of e.vectors) n += 8 * v.length + 32;
  return n;
}
