import { LRUCache } from 'lru-cache';
import { entryBytes, type CacheEntry } from './cacheEntry';

export interface ExactCacheOptions {
  maxEntries: number;
  maxBytes: number;
  /** How long after expiry an entry is kept for the stale-cache fallback. */
  staleMaxAgeMs: number;
  now?: () => number;
  /** Told when an entry leaves because of the bounds or its age, so the index and the store follow. */
  onEvict?: (entry: CacheEntry) => void;
}

export type Freshness = 'fresh' | 'stale';

/**
 * The in-memory exact cache: an LRU bounded by entry count and by bytes. Expiry is checked here
 * rather than by lru-cache's own TTL, because an expired entry is still worth keeping for a while:
 * when every provider fails it can answer, labelled stale.
 */
export class ExactCache {
  private readonly lru: LRUCache<string, CacheEntry>;
  private readonly now: () => number;

  constructor(private readonly opts: ExactCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.lru = new LRUCache<string, CacheEntry>({
      max: opts.maxEntries,
      maxSize: opts.maxBytes,
      sizeCalculation: (e) => Math.max(1, entryBytes(e)),
      // An entry larger than the whole cache is refused rather than emptying it.
      maxEntrySize: opts.maxBytes,
      dispose: (entry, _key, reason) => {
        if (reason === 'evict' || reason === 'delete') opts.onEvict?.(entry);
      },
    });
  }

  /** A fresh entry, marked most recently used; undefined when absent or expired. */
  get(key: string): CacheEntry | undefined {
    const e = this.lru.peek(key);
    if (!e) return undefined;
    if (this.classify(e) !== 'fresh') return undefined;
    return this.lru.get(key);
  }

  /** Any entry still within its stale window, fresh or not; does not change the LRU order. */
  getStale(key: string): CacheEntry | undefined {
    const e = this.lru.peek(key);
    if (!e) return undefined;
    if (this.classify(e) === undefined) {
      this.lru.delete(key);
      return undefined;
    }
    return e;
  }

  peek(key: string): CacheEntry | undefined {
    return this.lru.peek(key);
  }

  classify(e: CacheEntry): Freshness | undefined {
    const now = this.now();
    if (now < e.expiresAt) return 'fresh';
    if (now < e.expiresAt + this.opts.staleMaxAgeMs) return 'stale';
    return undefined;
  }

  /** False when the entry is too large to keep. */
  set(entry: CacheEntry): boolean {
    if (entryBytes(entry) > this.opts.maxBytes) return false;
    this.lru.set(entry.key, entry);
    return this.lru.has(entry.key);
  }

  /**
   * Counts an entry again after it grew (its vector arrives after it was stored, once embedded),
   * evicting older entries if the bound is now passed. lru-cache sizes a value only when a
   * different one is set, so a copy takes the entry's place (with no dispose: it is the same
   * entry); the copy is returned, undefined when the entry is no longer held.
   */
  resize(entry: CacheEntry): CacheEntry | undefined {
    if (this.lru.peek(entry.key) !== entry) return undefined;
    if (entryBytes(entry) > this.opts.maxBytes) {
      this.lru.delete(entry.key);
      return undefined;
    }
    const copy = { ...entry };
    this.lru.set(entry.key, copy, { noDisposeOnSet: true });
    return this.lru.peek(entry.key) === copy ? copy : undefined;
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /** Drops every entry past its stale window; returns how many. */
  purge(): number {
    let n = 0;
    for (const [key, e] of this.lru.entries()) {
      if (this.classify(e) === undefined) {
        this.lru.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  /** Most recently used first. */
  values(): IterableIterator<CacheEntry> {
    return this.lru.values();
  }
}
