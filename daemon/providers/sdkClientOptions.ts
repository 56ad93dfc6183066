import { ConduitError, type ProviderId } from '../../protocol';
import { createHttpFetch } from './httpFetch';
import { SDK_TIMEOUT_MS } from './sdkTimeout';
import type { ProviderConfig } from './types';

/**
 * What every Stainless-built client (Anthropic's, Bedrock's, Vertex's, Azure's) gets: no SDK
 * retries (Conduit's resilience layer owns them), the backstop timeout, proxy headers and the
 * connect-timeout fetch.
 */
export function stainlessClientOptions(cfg: ProviderConfig) {
  return {
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    ...(cfg.headers ? { defaultHeaders: cfg.headers } : {}),
    ...(cfg.connectTimeoutMs !== undefined
      ? { fetch: createHttpFetch({ connectTimeoutMs: cfg.connectTimeoutMs }) }
      : {}),
  };
}

/** A platform setting the provider cannot work without; nothing is sent. */
export function missingSetting(provider: ProviderId, message: string): ConduitError {
  return new ConduitError({ code: 'invalid_request', provider, message });
}
