import type { Index as UsearchIndex } from 'usearch';
import { loadNative } from '../platform/loadNative';
import { BruteForceIndex, type VectorIndex } from './vectorIndex';

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
    this.index.add(ids, flat);
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

export interface AdaptiveIndexOptions {
  /** A scope with more entries than this moves to usearch; one with fewer than half of it moves back. */
  annThreshold: number;
  /** usearch, or null to force brute force (tests); loaded on demand when absent. */
  usearch?: UsearchModule | null;
  /** Vectors added to the graph per event-loop turn while a scope moves over (about 25 ms each). */
  buildChunk?: number;
  onChange?: (event: 'ann' | 'brute-force', scope: string, entries: number) => void;
}

/**
 * Brute force for small scopes (exact, and cheap below a few thousand entries), usearch HNSW
 * for large ones. Building a graph of 5,000 vectors takes about half a second, so a scope that
 * crosses the threshold is copied over in chunks, one per event-loop turn, while brute force
 * keeps answering; what changed meanwhile is applied before the switch. The graphs are saved
 * when the daemon stops and loaded at start when they still match the store (annSnapshot.ts);
 * otherwise the scope is rebuilt from the stored vectors this way.
 */
export class AdaptiveIndex implements VectorIndex {
  private readonly brute = new BruteForceIndex();
  private readonly ann = new Map<string, AnnPartition>();
  /** key → scope, for keys held in an ANN partition. */
  private readonly annScope = new Map<string, string>();
  private readonly building = new Map<string, Promise<void>>();
  /** For a scope being moved: what changed in it since the copy started. */
  private readonly changes = new Map<string, { added: Map<string, Float32Array>; removed: Set<string> }>();
  private generation = 0;
  /** usearch once asked for: undefined until then, null when it cannot load. */
  private mod: UsearchModule | null | undefined;

  constructor(private readonly opts: AdaptiveIndexOptions) {
    this.mod = opts.usearch;
  }

  /**
   * usearch, loaded the first time it is needed (a scope past the threshold, a saved graph): an
   * idle daemon, and one whose scopes stay small, never maps its native code.
   */
  get usearch(): UsearchModule | undefined {
    if (this.mod === undefined) this.mod = loadUsearch() ?? null;
    return this.mod ?? undefined;
  }

  /** Whether usearch has been loaded (or found missing), so reading `usearch` costs nothing more. */
  get usearchTried(): boolean {
    return this.mod !== undefined;
  }

  /** Whether usearch loaded, so large scopes can use it. */
  get annAvailable(): boolean {
    return this.usearch !== undefined;
  }

  add(scope: string, key: string, vector: Float32Array): void {
    const current = this.annScope.get(key);
    if (current !== undefined && current !== scope) this.remove(key);
    const part = this.ann.get(scope);
    if (part) {
      this.brute.remove(key);
      part.add(key, vector);
      this.annScope.set(key, scope);
      return;
    }
    const previous = this.brute.scopeOf(key);
    if (previous !== undefined && previous !== scope) this.remove(key);
    this.brute.add(scope, key, vector);
    const changes = this.changes.get(scope);
    if (changes) {
      changes.removed.delete(key);
      changes.added.set(key, vector);
    }
    if (!this.building.has(scope) && this.brute.scopeSize(scope) > this.opts.annThreshold) {
      const usearch = this.usearch;
      if (usearch) this.startBuild(scope, usearch, vector.length);
    }
  }

  remove(key: string): void {
    const scope = this.annScope.get(key);
    if (scope === undefined) {
      const changes = this.changes.get(this.brute.scopeOf(key) ?? '');
      if (changes) {
        changes.added.delete(key);
        changes.removed.add(key);
      }
      this.brute.remove(key);
      return;
    }
    this.annScope.delete(key);
    const part = this.ann.get(scope)!;
    part.remove(key);
    if (part.size < this.opts.annThreshold / 2) this.toBrute(scope, part);
  }

  search(scope: string, query: Float32Array, k: number, minScore: number): { key: string; score: number }[] {
    const part = this.ann.get(scope);
    return part ? part.search(query, k, minScore) : this.brute.search(scope, query, k, minScore);
  }

  clear(): void {
    this.generation++;
    this.building.clear();
    this.changes.clear();
    this.brute.clear();
    this.ann.clear();
    this.annScope.clear();
  }

  get size(): number {
    return this.brute.size + this.annScope.size;
  }

  /** Resolves once no scope is moving to usearch. */
  async idle(): Promise<void> {
    while (this.building.size > 0) await Promise.all([...this.building.values()]);
  }

  /** The scopes held in usearch graphs, to save them. */
  annPartitions(): [string, AnnPartition][] {
    return [...this.ann];
  }

  /** Takes a graph loaded from disk for `scope`, which must hold nothing yet. */
  adopt(scope: string, part: AnnPartition): void {
    if (this.ann.has(scope) || this.brute.scopeSize(scope) > 0) throw new Error('the scope is already indexed');
    this.ann.set(scope, part);
    for (const key of part.entries().keys) this.annScope.set(key, scope);
  }

  get annThreshold(): number {
    return this.opts.annThreshold;
  }

  /** Entries per kind, for tests and logs. */
  describe(): { bruteForce: number; ann: number; annScopes: number } {
    return { bruteForce: this.brute.size, ann: this.annScope.size, annScopes: this.ann.size };
  }

  private startBuild(scope: string, usearch: UsearchModule, dims: number): void {
    const generation = this.generation;
    const chunk = Math.max(1, this.opts.buildChunk ?? 250);
    const changes = { added: new Map<string, Float32Array>(), removed: new Set<string>() };
    this.changes.set(scope, changes);
    const build = async (): Promise<void> => {
      const pause = async () => {
        await new Promise<void>((r) => setImmediate(r));
        return this.generation === generation;
      };
      const snapshot = this.brute.scopeEntries(scope);
      const part = new AnnPartition(usearch, dims);
      for (let i = 0; i < snapshot.keys.length; i += chunk) {
        part.addMany(snapshot.keys.slice(i, i + chunk), snapshot.vectors.slice(i, i + chunk));
        if (!(await pause())) return;
      }
      // Entries keep arriving meanwhile (all of them, when a large cache loads at start): take
      // them over in chunks too, until what is left fits in one turn.
      while (changes.added.size > chunk) {
        const batch = [...changes.added].slice(0, chunk);
        for (const [k] of batch) changes.added.delete(k);
        part.addMany(
          batch.map(([k]) => k),
          batch.map(([, v]) => v),
        );
        if (!(await pause())) return;
      }
      // Brute force kept answering; apply the last changes, then switch.
      for (const k of changes.removed) part.remove(k);
      for (const [k, v] of changes.added) part.add(k, v);
      this.changes.delete(scope);
      const keys = this.brute.dropScope(scope);
      this.ann.set(scope, part);
      for (const k of keys) this.annScope.set(k, scope);
      this.opts.onChange?.('ann', scope, part.size);
    };
    const running = build().finally(() => {
      if (this.building.get(scope) === running) this.building.delete(scope);
      if (this.changes.get(scope) === changes) this.changes.delete(scope);
    });
    this.building.set(scope, running);
  }

  private toBrute(scope: string, part: AnnPartition): void {
    const { keys, vectors } = part.entries();
    this.ann.delete(scope);
    keys.forEach((k, i) => {
      this.annScope.delete(k);
      this.brute.add(scope, k, vectors[i]!);
    });
    this.opts.onChange?.('brute-force', scope, keys.length);
  }
}
