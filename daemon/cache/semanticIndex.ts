import type { CacheEntry } from './cacheEntry';
import type { Embedder } from './embedder';
import { rejectReason } from './semanticGuards';
import { BruteForceIndex, type VectorIndex } from './vectorIndex';

export interface SemanticMatch {
  entry: CacheEntry;
  similarity: number;
}

/**
 * The semantic side of the cache: vectors of cached prompts, searched within the request's scope,
 * each candidate checked by the false-hit guards. It holds keys only; entries stay in the exact
 * cache, which decides freshness.
 */
export class SemanticIndex {
  private readonly index: VectorIndex;
  /** Candidates looked at per query: the best one may fail a guard while the next passes. */
  private readonly k = 5;
  embedMs = 0;
  searchMs = 0;
  rejected: Record<string, number> = {};

  constructor(private embedder: Embedder, index?: VectorIndex) {
    this.index = index ?? new BruteForceIndex();
  }

  get embedderId(): string {
    return this.embedder.id;
  }

  get size(): number {
    return this.index.size;
  }

  /**
   * Indexes an entry, embedding its prompt unless it already carries a vector from this embedder.
   * `alive` is asked after the embedding: an entry evicted meanwhile is not indexed.
   */
  async add(entry: CacheEntry, alive?: () => boolean): Promise<void> {
    if (!entry.vector || entry.embedder !== this.embedder.id) {
      const [vector] = await this.embedder.embed([entry.prompt]);
      if (!vector) return;
      entry.vector = vector;
      entry.embedder = this.embedder.id;
    }
    if (alive && !alive()) return;
    this.index.add(entry.scope, entry.key, entry.vector);
  }

  remove(key: string): void {
    this.index.remove(key);
  }

  clear(): void {
    this.index.clear();
  }

  /**
   * The best entry in `scope` whose similarity reaches `threshold` and that passes every guard.
   * `resolve` maps a key to a usable (fresh) entry.
   */
  async find(scope: string, prompt: string, threshold: number, resolve: (key: string) => CacheEntry | undefined, signal?: AbortSignal): Promise<SemanticMatch | undefined> {
    const t0 = performance.now();
    const [query] = await this.embedder.embed([prompt], signal);
    const t1 = performance.now();
    this.embedMs += t1 - t0;
    if (!query) return undefined;
    const candidates = this.index.search(scope, query, this.k, threshold);
    this.searchMs += performance.now() - t1;
    for (const c of candidates) {
      const entry = resolve(c.key);
      if (!entry || entry.scope !== scope) continue;
      const reason = rejectReason(prompt, entry.prompt);
      if (reason) {
        this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
        continue;
      }
      return { entry, similarity: Math.min(1, c.score) };
    }
    return undefined;
  }
}
