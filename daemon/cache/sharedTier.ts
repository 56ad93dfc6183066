import type { CacheEntry } from './cacheEntry';

/**
 * A cache shared with other daemons (team mode keeps it in Redis), behind the local LRU. The
 * local cache asks it on a local miss and hands it every entry it stores; entries other daemons
 * store arrive through `adopt` on the cache. Every call may fail or be slow: a failure is a miss.
 */
export interface SharedCacheTier {
  get(key: string): Promise<CacheEntry | undefined>;
  put(entry: CacheEntry): void;
}
