import { LRUCache } from 'lru-cache';
import type { CacheEntry } from './cacheEntry';
import type { EmbedPriority, Embedder } from './embedder';
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
  readonly index: VectorIndex;
  /** Candidates looked at per query: the best one may fail a guard while the next passes. */
  private readonly k = 5;
  embedMs = 0;
  searchMs = 0;
  rejected: Record<string, number> = {};
  /**
   * Vectors of prompts embedded lately: a lookup that misses is followed by storing the answer to
   * the same prompt, and warming embeds its prompts ahead in one call; neither embeds twice.
   */
  private readonly recent = new LRUCache<string, Float32Array>({ max: 2048 });

  constructor(
    readonly embedder: Embedder,
    index?: VectorIndex,
  ) {
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
  async add(entry: CacheEntry, alive?: () => boolean, priority: EmbedPriority = 'background'): Promise<void> {
    if (!entry.vector || entry.embedder !== this.embedder.id) {
      const vector = await this.vectorOf(entry.prompt, priority);
      if (!vector) return;
      entry.vector = vector;
      entry.embedder = this.embedder.id;
    }
    if (alive && !alive()) return;
    this.index.add(entry.scope, entry.key, entry.vector);
  }

  /**
   * Indexes many entries (loading at start, a new embedder): prompts without a vector from this
   * embedder are embedded in calls of up to `chunk` texts rather than one call each. An entry
   * whose embedding fails is left out, as is one `alive` no longer wants.
   */
  async addAll(entries: readonly CacheEntry[], alive: (e: CacheEntry) => boolean, chunk = 256): Promise<void> {
    const need = entries.filter((e) => e.prompt && (!e.vector || e.embedder !== this.embedder.id));
    for (let i = 0; i < need.length; i += chunk) {
      const part = need.slice(i, i + chunk);
      try {
        const vectors = await this.embedder.embed(
          part.map((e) => e.prompt),
          undefined,
          'background',
        );
        part.forEach((e, j) => {
          if (!vectors[j]) return;
          e.vector = vectors[j];
          e.embedder = this.embedder.id;
        });
      } catch {
        // These entries stay exact-only; the next start tries again.
      }
    }
    for (const e of entries) {
      if (e.vector && e.embedder === this.embedder.id && alive(e)) this.index.add(e.scope, e.key, e.vector);
    }
  }

  /** Embeds the prompts not embedded lately, in one call, so the lookups that follow find them ready. */
  async prime(prompts: readonly string[], priority: EmbedPriority = 'background'): Promise<void> {
    const missing = [...new Set(prompts)].filter((p) => p && !this.recent.has(p));
    if (missing.length === 0) return;
    const vectors = await this.embedder.embed(missing, undefined, priority);
    missing.forEach((p, i) => {
      if (vectors[i]) this.recent.set(p, vectors[i]);
    });
  }

  private async vectorOf(
    prompt: string,
    priority: EmbedPriority,
    signal?: AbortSignal,
  ): Promise<Float32Array | undefined> {
    const known = this.recent.get(prompt);
    if (known) return known;
    const [vector] = await this.embedder.embed([prompt], signal, priority);
    if (vector) this.recent.set(prompt, vector);
    return vector;
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
  async find(
    scope: string,
    prompt: string,
    threshold: number,
    resolve: (key: string) => CacheEntry | undefined,
    signal?: AbortSignal,
    priority: EmbedPriority = 'interactive',
  ): Promise<SemanticMatch | undefined> {
    const t0 = performance.now();
    const query = await this.vectorOf(prompt, priority, signal);
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
