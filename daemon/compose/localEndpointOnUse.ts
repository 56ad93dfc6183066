import type { LocalEndpointParts } from '../http/createLocalEndpoint';
import { readOrCreateEndpointToken } from '../http/endpointToken';
import type { EndpointState } from '../http/localEndpoint';
import type { ServerSettings } from '../http/serverSettings';

type EndpointModule = typeof import('../http/createLocalEndpoint');

/** What the daemon uses of the local endpoint: LocalEndpoint's `state` and `close`, and `apply`. */
export interface LocalEndpointOnUse {
  endpoint: { state(): EndpointState; close(drainUntil?: number): Promise<void> };
  apply: () => Promise<void>;
}

/**
 * The opt-in local endpoint, whose code (node:http, the OpenAI and Anthropic routes, embeddings:
 * 45 kB of the 400 kB bundle the daemon compiled at each start) is imported the first time the
 * settings enable it (issue #23). Until then it reports what LocalEndpoint reports when off. Its
 * token is still read at start, so the redactor knows it whether or not the endpoint listens.
 */
export function localEndpointOnUse(
  parts: LocalEndpointParts,
  load: () => Promise<EndpointModule> = () => import('../http/createLocalEndpoint'),
): LocalEndpointOnUse {
  parts.redactor.addSecret(readOrCreateEndpointToken(parts.home));
  let real: ReturnType<EndpointModule['createLocalEndpoint']> | undefined;
  let settings: ServerSettings | undefined;
  let problem: string | undefined;
  // Applies run one after another, as LocalEndpoint's own do: a quick on-off never ends on.
  let chain: Promise<void> = Promise.resolve();

  const applyNow = async (): Promise<void> => {
    const wanted = parts.config().server;
    settings = wanted;
    if (!real && !wanted.enabled) {
      problem = undefined;
      return;
    }
    if (!real) {
      try {
        real = (await load()).createLocalEndpoint(parts);
      } catch (err) {
        problem = `the local endpoint's code could not be loaded (${err instanceof Error ? err.message : String(err)}); reinstall Conduit`;
        parts.log('error', 'local endpoint not started', { problem });
        return;
      }
    }
    await real.apply();
  };

  return {
    endpoint: {
      state: () =>
        real?.endpoint.state() ?? {
          enabled: settings?.enabled ?? false,
          listening: false,
          host: settings?.host ?? '127.0.0.1',
          port: settings?.port ?? 4141,
          ...(problem ? { problem } : {}),
          backpressure: { streamWaits: 0, peakUnsentBytes: 0 },
        },
      close: (drainUntil) => {
        const close = () => real?.endpoint.close(drainUntil);
        return (chain = chain.then(close, close));
      },
    },
    apply: () => (chain = chain.then(applyNow, applyNow)),
  };
}
