/**
 * Nearest-neighbour search over unit vectors, partitioned by scope so that a query never sees an
 * entry from another model, system prompt or parameter set.
 *
 * Only brute force is implemented: one Float32Array per scope, scanned with a dot product. An ANN
 * index (usearch 2.25.3, which answers in about 1 ms at 100k) is not installed here; it would be
 * another implementation of this interface, per scope, chosen when a scope grows past a size.
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
  data: Float32Array;
}

export class BruteForceIndex implements VectorIndex {
  private readonly parts = new Map<string, Partition>();
  /** key → its scope, for removal. */
  private readonly scopes = new Map<string, string>();
  private count = 0;

  add(scope: string, key: string, vector: Float32Array): void {
    if (this.scopes.has(key)) this.remove(key);
    let part = this.parts.get(scope);
    if (!part) {
      part = { dims: vector.length, keys: [], data: new Float32Array(vector.length * 8) };
      this.parts.set(scope, part);
    }
    if (vector.length !== part.dims) return;
    const n = part.keys.length;
    if ((n + 1) * part.dims > part.data.length) {
      const grown = new Float32Array(part.data.length * 2);
      grown.set(part.data);
      part.data = grown;
    }
    part.data.set(vector, n * part.dims);
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
    // Swap the last row into the hole: O(dims), order does not matter.
    const last = part.keys.length - 1;
    if (i !== last) {
      part.data.copyWithin(i * part.dims, last * part.dims, (last + 1) * part.dims);
      part.keys[i] = part.keys[last]!;
    }
    part.keys.pop();
    this.count--;
    if (part.keys.length === 0) this.parts.delete(scope);
  }

  search(scope: string, query: Float32Array, k: number, minScore: number): { key: string; score: number }[] {
    const part = this.parts.get(scope);
    if (!part || query.length !== part.dims) return [];
    const { dims, data, keys } = part;
    const best: { key: string; score: number }[] = [];
    for (let row = 0; row < keys.length; row++) {
      const off = row * dims;
      let s = 0;
      for (let j = 0; j < dims; j++) s += data[off + j]! * query[j]!;
      if (s < minScore) continue;
      if (best.length < k || s > best[best.length - 1]!.score) {
        best.push({ key: keys[row]!, score: s });
        best.sort((x, y) => y.score - x.score);
        if (best.length > k) best.pop();
      }
    }
    return best;
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
