import * as path from 'node:path';
import type { CacheSettings } from './cacheSettings';
import { CACHE_FILE, CacheStore, type CacheLog } from './cacheStore';
import { chooseEmbedder, type EmbedderContext } from './chooseEmbedder';
import type { ResponseCache } from './responseCache';

export interface OpenCacheOptions {
  home: string;
  settings: CacheSettings;
  log: CacheLog;
  providerAccess?: EmbedderContext['providerAccess'];
  onEmbeddingCall?: EmbedderContext['onEmbeddingCall'];
}

/**
 * Gives the cache its embedder and its file, then loads the entries. A cache.db that cannot open
 * leaves an in-memory cache: requests never fail because of the cache.
 */
export async function openCache(
  cache: ResponseCache,
  opts: OpenCacheOptions,
): Promise<{ loaded: number; file: string | null }> {
  const access = opts.providerAccess;
  if (access) cache.providersWithKeys = () => (['openai', 'gemini'] as const).filter((p) => !!access(p).apiKey);
  if (opts.settings.semantic.enabled) {
    const embedder = await chooseEmbedder(opts.settings.semantic, {
      home: opts.home,
      log: opts.log,
      ...(opts.providerAccess ? { providerAccess: opts.providerAccess } : {}),
      ...(opts.onEmbeddingCall ? { onEmbeddingCall: opts.onEmbeddingCall } : {}),
    });
    await cache.useEmbedder(embedder);
  }
  const file = path.join(opts.home, CACHE_FILE);
  let store: CacheStore;
  try {
    store = await CacheStore.open(file, opts.log);
  } catch (err) {
    opts.log('warn', 'the cache cannot persist; it keeps entries in memory only', {
      file,
      err: err instanceof Error ? err.message : String(err),
    });
    return { loaded: 0, file: null };
  }
  return { loaded: await cache.attach(store, { annHome: opts.home }), file };
}
