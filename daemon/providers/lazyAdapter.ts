import type { ProviderId } from '../../protocol';
import { loadHttp } from './httpFetch';
import type { ProviderAdapter, ProviderRequest, ProviderStreamEvent } from './types';

/**
 * An adapter whose module (and with it its SDK) loads on its first request, not when the daemon
 * starts: each SDK costs tens of milliseconds and megabytes to evaluate, and most daemons use one
 * or two providers. A failed load is tried again by the next request. Once loaded, calls go
 * straight to the real adapter.
 */
export function lazyAdapter(id: ProviderId, load: () => Promise<ProviderAdapter>): ProviderAdapter {
  let loaded: ProviderAdapter | undefined;
  let loading: Promise<ProviderAdapter> | undefined;
  const adapter = (): Promise<ProviderAdapter> =>
    (loading ??= load().then(
      (a) => (loaded = a),
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    ));
  async function* streamOnceLoaded(req: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderStreamEvent> {
    yield* (await adapter()).stream(req, signal);
  }
  return {
    id,
    ready: () =>
      Promise.all([adapter(), loadHttp()]).then(
        () => undefined,
        () => undefined,
      ),
    async chat(req, signal) {
      return (loaded ?? (await adapter())).chat(req, signal);
    },
    stream(req, signal) {
      return loaded ? loaded.stream(req, signal) : streamOnceLoaded(req, signal);
    },
  };
}
