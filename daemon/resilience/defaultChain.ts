import type { ProviderId } from '../../protocol';
import type { ResilienceConfig } from '../config/config';

type FallbackSettings = ResilienceConfig['fallback'];

/**
 * The providers an automatic chain draws from: the model makers' own APIs. Cloud platforms and
 * local servers need explicit settings to mean anything, so they join only through a chain.
 */
export const AUTO_FALLBACK_PROVIDERS: readonly ProviderId[] = ['anthropic', 'openai', 'gemini'];

/** CONDUIT_AUTO_FALLBACK=0 turns the automatic chain off, as `resilience.fallback.automatic: false` does. */
function automaticOn(cfg: FallbackSettings, env: NodeJS.ProcessEnv): boolean {
  return cfg.automatic !== false && env.CONDUIT_AUTO_FALLBACK !== '0';
}

/**
 * The fallback settings in force for a request whose primary is `primary`. A configured chain is
 * used as written. Without one, every other provider that has a key is tried in turn, with its
 * model for the request's tier (no model named, so the route's tier picks it) and under the same
 * cost guard as a configured chain: resilient by default, never dearer by default.
 */
export function fallbackInForce(
  cfg: FallbackSettings,
  primary: ProviderId,
  hasKey: (p: ProviderId) => boolean,
  env: NodeJS.ProcessEnv,
): FallbackSettings {
  if (Object.keys(cfg.chains).length > 0 || !automaticOn(cfg, env)) return cfg;
  const others = AUTO_FALLBACK_PROVIDERS.filter((p) => p !== primary && hasKey(p));
  return { ...cfg, chains: { '*': others.map((provider) => ({ provider })) } };
}

/** What `conduit status` shows: each feature's chain as provider[/model] labels, and whether it is the automatic one. */
export function chainStatus(
  cfg: FallbackSettings,
  primary: ProviderId,
  hasKey: (p: ProviderId) => boolean,
  env: NodeJS.ProcessEnv,
): { automatic: boolean; chains: Record<string, string[]> } {
  const inForce = fallbackInForce(cfg, primary, hasKey, env);
  const chains: Record<string, string[]> = {};
  for (const [feature, chain] of Object.entries(inForce.chains))
    chains[feature] = chain.map((t) => (t.model ? `${t.provider}/${t.model}` : t.provider));
  return { automatic: inForce !== cfg, chains };
}
