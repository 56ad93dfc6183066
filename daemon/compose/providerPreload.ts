import { ProviderIds, type ProviderId } from '../../protocol';
import type { ConduitConfig } from '../config/config';
import { loadHttp } from '../providers/httpFetch';
import { START_PROVIDER_ENV, START_PROVIDER_ROUTED } from '../server/startSignal';

/**
 * The provider the request that started this daemon waits for, as the spawner named it
 * (spawnDaemon's `startProvider`); taken out of the environment so that nothing this daemon
 * starts inherits it. Anything that is not a provider id is no hint.
 */
export function takeStartProvider(
  env: NodeJS.ProcessEnv = process.env,
): ProviderId | typeof START_PROVIDER_ROUTED | undefined {
  const hint = env[START_PROVIDER_ENV];
  delete env[START_PROVIDER_ENV];
  if (hint === START_PROVIDER_ROUTED) return hint;
  return (ProviderIds as readonly string[]).includes(hint ?? '') ? (hint as ProviderId) : undefined;
}

/**
 * The provider a request that names none is routed to: its feature's provider (`conduit ask`
 * sends feature `ask`), else the configured one (router/routeDecision.ts). An experiment may send
 * some of them elsewhere; those load their provider on use, as without a hint.
 */
export function routedProvider(config: ConduitConfig, feature = 'ask'): ProviderId {
  return config.routing.byFeature[feature]?.provider ?? config.provider;
}

/**
 * Loads a provider's adapter module (with its SDK) and the HTTP client while the start waits on
 * the databases, so the waiting request finds them loaded instead of compiling them first. The
 * same import() as createAdapter's, so it is the same module: the request's own load then
 * resolves at once. Never rejects: a load that fails here fails again, and is reported, on the
 * request's own path.
 */
export function preloadProvider(id: ProviderId): Promise<void> {
  return Promise.all([importAdapter(id), loadHttp()]).then(
    () => undefined,
    () => undefined,
  );
}

function importAdapter(id: ProviderId): Promise<unknown> {
  switch (id) {
    case 'anthropic':
      return import('../providers/anthropic/anthropicAdapter');
    case 'openai':
      return import('../providers/openai/openaiAdapter');
    case 'gemini':
      return import('../providers/gemini/geminiAdapter');
    case 'openaiCompatible':
      return import('../providers/openaiCompatible/openaiCompatibleAdapter');
    case 'anthropicBedrock':
      return import('../providers/anthropicBedrock/anthropicBedrockAdapter');
    case 'anthropicVertex':
      return import('../providers/anthropicVertex/anthropicVertexAdapter');
    case 'geminiVertex':
      return import('../providers/geminiVertex/geminiVertexAdapter');
    case 'azureOpenai':
      return import('../providers/azureOpenai/azureOpenaiAdapter');
  }
}
