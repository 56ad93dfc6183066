import { resolveProvider } from '../config/config';
import { openCache } from '../cache/openCache';
import type { ResponseCache } from '../cache/responseCache';
import type { LogFn } from '../log/logFn';
import { resolveKey } from '../secrets/keySource';
import { embeddingRecord } from '../cache/embeddingUsage';
import type { RequestRecorder } from '../usage/requestRecord';
import type { WarmFn } from './createGateway';
import type { DaemonHome } from './daemonHome';
import type { LiveConfig } from './liveConfig';

export interface CacheStartupDeps {
  cache: ResponseCache;
  home: DaemonHome;
  config: LiveConfig;
  warm: WarmFn;
  /** Provider embedding calls are ledger rows too (feature `embedding`). */
  recorder: RequestRecorder;
  log: LogFn;
}

/**
 * Opens the cache's persistence and embedder in the background, then warms it when the settings
 * ask for that. In the background because a local embedding model can take a second to load;
 * lookups before then simply miss.
 */
export class CacheStartup {
  private opening: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CacheStartupDeps) {}

  start(): void {
    const { cache, log } = this.deps;
    const config = this.deps.config.get;
    this.opening = openCache(cache, {
      home: this.deps.home.layout.home,
      settings: config().cache,
      log,
      providerAccess: (p) => ({ baseURL: resolveProvider(config(), p).baseURL, apiKey: resolveKey(p).key }),
      onEmbeddingCall: (call) => void this.deps.recorder.record(embeddingRecord(call)),
    }).then(
      async ({ loaded, file }) => {
        log('info', 'cache ready', { loaded, file });
        const settings = config().cache;
        if (settings.enabled && settings.warmOnStart.enabled) {
          const requests = await cache.warmCandidates(settings.warmOnStart.topN);
          const r = await this.deps.warm(requests, 'other');
          log('info', 'cache warmed after restart', { ...r });
        }
      },
      (err: unknown) =>
        log('warn', 'the cache could not start; requests go upstream', {
          err: err instanceof Error ? err.message : String(err),
        }),
    );
  }

  /** Settles when the cache has opened (or failed to) and any warming has ended. */
  settled(): Promise<void> {
    return this.opening;
  }
}
