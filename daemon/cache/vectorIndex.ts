/**
 * Nearest-neighbour search over unit vectors, partitioned by scope so that a query never sees an
 * entry from another model, system prompt or parameter set.
 *
 * Two implementations: brute force here (each scope's vectors scanned with a dot product: exact,
 * about 3 ms per query at 10k entries of 384 dimensions), and `AdaptiveIndex` in usearchIndex.ts,
 * which moves a scope to a usearch HNSW index once it grows past a size.
 */
export interface VectorIndex {
  add(scope: string, key: string, vector: Float32Array): void;
  remove(key: string): void;
  /** The best matches at or above `minScore`, best first. */
  search(scope: string, query: Float32Array, k: number, minScore: number): { key: string; score: number }[];
  clear(): void;
  readonly size: number;
}

interface Partition {
  dims: number;
  keys: string[];
  /**
   * The vectors themselves, not copies: each is the one its cache entry holds, so an embedding is
   * kept once (a packed copy of every row doubled the cache's vector memory, plus growth slack).
   */
  rows: Float32Array[];
}

export class BruteForceIndex implements VectorIndex {
  private readonly parts = new Map<string, Partition>();
  /** key → its scope, for removal. */
  private readonly scopes = new Map<string, string>();
  private count = 0;

  /** `vector` is kept as given, so it must not change afterwards (embeddings never do). */
  add(scope: string, key: string, vector: Float32Array): void {
    if (this.scopes.has(key)) this.remove(key);
    let part = this.parts.get(scope);
    if (!part) {
      part = { dims: vector.length, keys: [], rows: [] };
      this.parts.set(scope, part);
    }
    if (vector.length !== part.dims) return;
    part.rows.push(vector);
    part.keys.push(key);
    this.scopes.set(key, scope);
    this.count++;
  }

  remove(key: string): void {
    const scope = this.scopes.get(key);
    if (scope === undefined) return;
    this.scopes.delete(key);
    const part = this.parts.get(scope)!;
    const i = part.keys.indexOf(key);
    if (i < 0) return;
    // Swap the last row into the hole: order does not matter.
    const last = part.keys.length - 1;
    if (i !== last) {
      part.rows[i] = part.rows[last]!;
      part.keys[i] = part.keys[last]!;
    }
    part.rows.pop();
    part.keys.pop();
    this.count--;
    if (part.keys.length === 0) this.parts.delete(scope);
  }

  search(scope: string, query: Float32Array, k: number, minScore: number): { key: string; score: number }[] {
    const part = this.parts.get(scope);
    if (!part || query.length !== part.dims) return [];
    const { dims, rows, keys } = part;
    const best: { key: string; score: number }[] = [];
    for (let row = 0; row < keys.length; row++) {
      const v = rows[row]!;
      let s = 0;
      for (let j = 0; j < dims; j++) s += v[j]! * query[j]!;
      if (s < minScore) continue;
      if (best.length < k || s > best[best.length - 1]!.score) {
        best.push({ key: keys[row]!, score: s });
        best.sort((x, y) => y.score - x.score);
        if (best.length > k) best.pop();
      }
    }
    return best;
  }

  /** Entries in one scope. */
  scopeSize(scope: string): number {
    return this.parts.get(scope)?.keys.length ?? 0;
  }

  has(key: string): boolean {
    return this.scopes.has(key);
  }

  /** One scope's keys and vectors (new arrays of the same vectors). */
  scopeEntries(scope: string): { keys: string[]; vectors: Float32Array[] } {
    const part = this.parts.get(scope);
    if (!part) return { keys: [], vectors: [] };
    return { keys: [...part.keys], vectors: [...part.rows] };
  }

  scopeOf(key: string): string | undefined {
    return this.scopes.get(key);
  }

  /** Removes a whole scope without copying its vectors; hands back its keys. */
  dropScope(scope: string): string[] {
    const part = this.parts.get(scope);
    if (!part) return [];
    this.parts.delete(scope);
    for (const k of part.keys) this.scopes.delete(k);
    this.count -= part.keys.length;
    return part.keys;
  }

  /** Removes a whole scope and hands back its keys and vectors, e.g. to move it elsewhere. */
  takeScope(scope: string): { keys: string[]; vectors: Float32Array[] } {
    const taken = this.scopeEntries(scope);
    if (!this.parts.delete(scope)) return taken;
    for (const k of taken.keys) this.scopes.delete(k);
    this.count -= taken.keys.length;
    return taken;
  }

  clear(): void {
    this.parts.clear();
    this.scopes.clear();
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }
}
