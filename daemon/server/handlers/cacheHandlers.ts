import {
  CacheClearRequest,
  CacheStatsRequest,
  CacheWarmRequest,
  type CacheStatsResult,
  type CacheWarmResult,
  type ChatRequest,
  type ClientKind,
} from '../../../protocol';
import type { ResponseCache } from '../../cache/responseCache';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface CacheHandlerDeps {
  cache: ResponseCache | undefined;
  enabled: () => boolean;
  warm: (requests: ChatRequest[], client: ClientKind) => Promise<CacheWarmResult>;
}

const NO_CACHE: Omit<CacheStatsResult, 'since'> = {
  enabled: false,
  entries: 0,
  bytes: 0,
  maxEntries: 0,
  maxBytes: 0,
  hits: { exact: 0, semantic: 0, stale: 0 },
  misses: 0,
  hitRate: 0,
  costSavedUsd: 0,
  coalesced: 0,
  semantic: { enabled: false, embedder: 'none', indexed: 0, rejected: {} },
};

/** `cache/*`: thin; the figures and the work live in daemon/cache. */
export function cacheHandlers(deps: CacheHandlerDeps): RegisterHandlers {
  const startedAt = Date.now();
  return (connection, ctx) => {
    connection.onRequest(CacheStatsRequest.type, () =>
      answer(ctx.requireAuth, async () => deps.cache?.stats(deps.enabled()) ?? { ...NO_CACHE, since: startedAt }),
    );
    connection.onRequest(CacheClearRequest.type, () =>
      answer(ctx.requireAuth, async () => ({ removed: (await deps.cache?.clear()) ?? 0 })),
    );
    connection.onRequest(CacheWarmRequest.type, (params) =>
      answer(ctx.requireAuth, async () => {
        const requests = Array.isArray(params?.requests) ? params.requests : [];
        return deps.warm(requests, ctx.client());
      }),
    );
  };
}
