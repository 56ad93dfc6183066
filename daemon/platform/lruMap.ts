/**
 * A Map with a hard cap on its entries, for tables keyed by what requests bring (a model name, a
 * feature, a key): a client or an upstream must not be able to grow them without end. `get`
 * moves an entry to the newest end (a Map keeps insertion order), so what is in use stays.
 * Past the cap the oldest entry goes, or, when `keep` protects some entries (a breaker that is
 * open, a limiter with a queue), the oldest one it does not protect; the oldest of all only when
 * every entry is protected, since the cap must hold whatever the entries' state.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(
    readonly max: number,
    private readonly options: { keep?: (value: V, key: K) => boolean; evicted?: (value: V, key: K) => void } = {},
  ) {
    if (!(max >= 1)) throw new RangeError(`LruMap needs room for at least one entry, not ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The entry, made the newest. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** The entry, its age unchanged. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Adds or replaces the entry as the newest, then evicts down to the cap. */
  set(key: K, value: V): this {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.evictOne(key);
    return this;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  /** The oldest entry `keep` does not protect, else the oldest; never the one just set. */
  private evictOne(newest: K): void {
    const keep = this.options.keep;
    let victim: [K, V] | undefined;
    for (const entry of this.map) {
      if (entry[0] === newest) continue;
      victim ??= entry;
      if (!keep) break;
      if (!keep(entry[1], entry[0])) {
        victim = entry;
        break;
      }
    }
    if (!victim) return;
    this.map.delete(victim[0]);
    this.options.evicted?.(victim[1], victim[0]);
  }
}
