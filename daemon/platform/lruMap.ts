/**
 * A Map with a hard cap on its entries, for tables keyed by what requests bring (a model name, a
 * feature, a key): a client or an upstream must not be able to grow them without end.
 *
 * Past the cap it drops the least recently used entry, approximately: a lookup only marks the
 * entry as used (the tables are read on every request, and moving an entry to the end of a Map
 * on each read cost a delete and an insert), and eviction gives a marked entry a second chance
 * (unmarked, moved to the newest end) before it takes the oldest unmarked one. `keep` protects
 * entries (a breaker that is open, a limiter with a queue) while one it does not protect
 * remains; when it protects every one the oldest goes anyway, since the cap must hold whatever
 * the entries' state.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, { value: V; used: boolean }>();

  constructor(
    readonly max: number,
    private readonly options: { keep?: (value: V, key: K) => boolean; evicted?: (value: V, key: K) => void } = {},
  ) {
    if (!(max >= 1)) throw new RangeError(`LruMap needs room for at least one entry, not ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The entry, marked as used. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** The entry, not marked. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Adds the entry as the newest, or replaces a present one's value and marks it; then evicts down to the cap. */
  set(key: K, value: V): this {
    const entry = this.map.get(key);
    if (entry) {
      entry.value = value;
      entry.used = true;
      return this;
    }
    this.map.set(key, { value, used: false });
    while (this.map.size > this.max) this.evictOne(key);
    return this;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  *keys(): IterableIterator<K> {
    yield* this.map.keys();
  }

  *values(): IterableIterator<V> {
    for (const entry of this.map.values()) yield entry.value;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, entry] of this.map) yield [key, entry.value];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /**
   * The oldest entry neither marked nor kept; never the one just added. A marked entry is
   * unmarked and moved to the newest end as it is passed; a Map's iteration reaches entries moved
   * during it, so each is looked at twice at most.
   */
  private evictOne(newest: K): void {
    const keep = this.options.keep;
    let victim: K | undefined;
    let found = false;
    for (const [key, entry] of this.map) {
      if (key === newest) continue;
      if (entry.used) {
        entry.used = false;
        this.map.delete(key);
        this.map.set(key, entry);
        continue;
      }
      if (keep?.(entry.value, key)) continue;
      victim = key;
      found = true;
      break;
    }
    if (!found) {
      for (const key of this.map.keys()) {
        if (key === newest) continue;
        victim = key;
        found = true;
        break;
      }
    }
    if (!found) return;
    const entry = this.map.get(victim as K)!;
    this.map.delete(victim as K);
    this.options.evicted?.(entry.value, victim as K);
  }
}
