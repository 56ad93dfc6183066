import type { Index as UsearchIndex } from 'usearch';
import { loadNative } from '../platform/loadNative';

/** The slice of usearch (pinned 2.25.3: 2.26 needs Node 22) this file uses. */
export interface UsearchModule {
  Index: new (config: {
    dimensions: number;
    metric: 'cos';
    quantization: 'f32';
    connectivity: number;
    expansion_add: number;
    expansion_search: number;
    multi: boolean;
  }) => UsearchIndex;
}

let loaded: UsearchModule | null | undefined;

/**
 * usearch, or undefined when its native binary cannot load (then every scope stays brute force).
 * Required by name at run time: it loads its prebuilt binary relative to its own folder, so it
 * cannot be bundled.
 */
export function loadUsearch(): UsearchModule | undefined {
  if (loaded === undefined) {
    try {
      loaded = loadNative<UsearchModule>('usearch');
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** Whether loadUsearch() has been tried (it loads about 1.3 MB of native code, so only when needed). */
export function usearchTried(): boolean {
  return loaded !== undefined;
}

/**
 * HNSW parameters, from `npm run bench -- --only ann` (384 dims, near-duplicate queries). At 100k
 * random vectors, top-1 agreement with exact search was 72 % with a search expansion of 64 and
 * 92 % with 128; 256 gives 99 %. In families of near-identical vectors (templated prompts), an
 * add expansion of 64 left some members hard to reach (94-97 % at 10k); 128 finds them all. A
 * query stays a few ms at 100k, where exact search takes tens.
 */
export interface HnswParams {
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
}

/** Batches smaller than this are added to the graph on one thread (see addMany). */
const SINGLE_THREAD_BELOW = 1024;

export const HNSW: HnswParams = { connectivity: 16, expansionAdd: 128, expansionSearch: 256 };

/**
 * One scope's vectors in a usearch HNSW index (cosine). usearch keys are integers, so each string
 * key gets a fresh id; a removal deletes the id from the graph, and when removed ids outnumber
 * the live ones the graph is rebuilt from the live vectors.
 */
export class AnnPartition {
  private index: UsearchIndex;
  private readonly ids = new Map<string, bigint>();
  private readonly keys = new Map<bigint, string>();
  private readonly vectors = new Map<bigint, Float32Array>();
  private nextId = 1n;
  private removed = 0;
  rebuilds = 0;

  constructor(
    private readonly mod: UsearchModule,
    readonly dims: number,
    readonly params: HnswParams = HNSW,
  ) {
    this.index = this.create();
  }

  /**
   * A partition from a graph saved by `save`: `ids` are the usearch ids and their keys as saved,
   * `vectorOf` gives each key's vector (from the cache store). The file must be checked first
   * (annSnapshot.ts checks its sha256): usearch aborts the process on some damaged files.
   */
  static fromFile(
    mod: UsearchModule,
    dims: number,
    params: HnswParams,
    file: string,
    ids: readonly (readonly [number, string])[],
    vectorOf: (key: string) => Float32Array | undefined,
  ): AnnPartition {
    const part = new AnnPartition(mod, dims, params);
    part.index.load(file);
    if (part.index.dimensions() !== dims)
      throw new Error(`the graph has ${part.index.dimensions()} dimensions, the vectors ${dims}`);
    if (part.index.size() !== ids.length)
      throw new Error(`the graph holds ${part.index.size()} vectors, its key list ${ids.length}`);
    for (const [n, key] of ids) {
      const vector = vectorOf(key);
      if (!vector || vector.length !== dims) throw new Error(`no vector of ${dims} dimensions for a saved key`);
      const id = BigInt(n);
      part.ids.set(key, id);
      part.keys.set(id, key);
      part.vectors.set(id, vector);
      if (id >= part.nextId) part.nextId = id + 1n;
    }
    return part;
  }

  /** Writes the graph to `file` (usearch's own format); `idList` says which key each id is. */
  save(file: string): void {
    this.index.save(file);
  }

  idList(): [number, string][] {
    return [...this.keys].map(([id, key]) => [Number(id), key]);
  }

  get size(): number {
    return this.ids.size;
  }

  has(key: string): boolean {
    return this.ids.has(key);
  }

  add(key: string, vector: Float32Array): void {
    if (vector.length !== this.dims) return;
    if (this.ids.has(key)) this.remove(key);
    const id = this.nextId++;
    this.index.add(id, vector);
    this.ids.set(key, id);
    this.keys.set(id, key);
    this.vectors.set(id, vector);
  }

  /** Adds many at once (one native call, built on several threads). */
  addMany(keys: readonly string[], vectors: readonly Float32Array[]): void {
    const fresh: string[] = [];
    const freshVectors: Float32Array[] = [];
    keys.forEach((k, i) => {
      const v = vectors[i]!;
      if (v.length !== this.dims) return;
      if (this.ids.has(k)) this.remove(k);
      fresh.push(k);
      freshVectors.push(v);
    });
    if (fresh.length === 0) return;
    const ids = new BigUint64Array(fresh.length);
    const flat = new Float32Array(fresh.length * this.dims);
    fresh.forEach((k, i) => {
      const id = this.nextId++;
      ids[i] = id;
      flat.set(freshVectors[i]!, i * this.dims);
      this.ids.set(k, id);
      this.keys.set(id, k);
      this.vectors.set(id, freshVectors[i]!);
    });
    // A small batch on one thread: built concurrently, a graph of 21 members once left one of them
    // unreachable by search (usearchLazyLoad.test.ts, on a loaded machine). Large batches keep
    // every thread.
    this.index.add(ids, flat, fresh.length < SINGLE_THREAD_BELOW ? 1 : 0);
  }

  remove(key: string): void {
    const id = this.ids.get(key);
    if (id === undefined) return;
    this.index.remove(id);
    this.ids.delete(key);
    this.keys.delete(id);
    this.vectors.delete(id);
    this.removed++;
    if (this.removed > Math.max(1024, this.ids.size)) this.rebuild();
  }

  search(query: Float32Array, k: number, minScore: number): { key: string; score: number }[] {
    if (query.length !== this.dims || this.ids.size === 0) return [];
    const found = this.index.search(query, Math.min(k, this.ids.size), 0);
    const out: { key: string; score: number }[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      const key = this.keys.get(found.keys[i]!);
      // Cosine distance is 1 − cosine.
      const score = 1 - found.distances[i]!;
      if (key !== undefined && score >= minScore) out.push({ key, score });
    }
    return out.sort((a, b) => b.score - a.score);
  }

  /** The live keys and vectors, e.g. to move the scope back to brute force. */
  entries(): { keys: string[]; vectors: Float32Array[] } {
    const keys: string[] = [];
    const vectors: Float32Array[] = [];
    for (const [id, key] of this.keys) {
      keys.push(key);
      vectors.push(this.vectors.get(id)!);
    }
    return { keys, vectors };
  }

  /** A fresh graph from the live vectors: drops the removed ones for good. */
  rebuild(): void {
    const { keys, vectors } = this.entries();
    this.index = this.create();
    this.ids.clear();
    this.keys.clear();
    this.vectors.clear();
    this.removed = 0;
    this.rebuilds++;
    this.addMany(keys, vectors);
  }

  private create(): UsearchIndex {
    return new this.mod.Index({
      dimensions: this.dims,
      metric: 'cos',
      quantization: 'f32',
      connectivity: this.params.connectivity,
      expansion_add: this.params.expansionAdd,
      expansion_search: this.params.expansionSearch,
      multi: false,
    });
  }
}
