import { AnnPartition, loadUsearch, type UsearchModule } from './usearchIndex';
import { BruteForceIndex, type VectorIndex } from './vectorIndex';

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
