import type { ProviderId } from '../../protocol';
import { keyRequired } from './credentialKind';
import { DEFAULT_PROFILE, envKey, type KeyCandidate, type KeyRing } from './keyRing';

export type KeySourceKind = 'keychain' | 'session' | 'file' | 'env' | 'none' | 'not-required';

export interface ResolvedKey {
  key: string | undefined;
  source: KeySourceKind;
}

const KEY_ENV: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
  openaiCompatible: 'OPENAI_COMPATIBLE_API_KEY',
  // A Bedrock API key; without one, the AWS credential chain signs the requests.
  anthropicBedrock: 'AWS_BEARER_TOKEN_BEDROCK',
  // Vertex AI takes no key: Google Application Default Credentials.
  anthropicVertex: 'GOOGLE_APPLICATION_CREDENTIALS',
  geminiVertex: 'GOOGLE_APPLICATION_CREDENTIALS',
  azureOpenai: 'AZURE_OPENAI_API_KEY',
};

export function keyEnvVar(id: ProviderId): string {
  return KEY_ENV[id];
}

/**
 * Finds a provider's key: the keychain first (through the ring's in-memory view, so this stays
 * synchronous and never waits on D-Bus), then a key a VS Code window handed over, then the
 * opt-in file store, then the environment. Local OpenAI-compatible servers
 * usually need no key at all.
 */
export function resolveKey(
  id: ProviderId,
  env: NodeJS.ProcessEnv = process.env,
  ring?: KeyRing,
  profile: string = DEFAULT_PROFILE,
): ResolvedKey {
  const best = ring?.candidates(id, profile, env)[0];
  if (best) return { key: best.key, source: best.origin };
  const fromEnv = envKey(id, env);
  if (fromEnv) return { key: fromEnv.key, source: 'env' };
  return { key: undefined, source: keyRequired(id) ? 'none' : 'not-required' };
}

/** The environment's key as the one candidate, for a daemon without a keychain. */
export function keyFromEnv(provider: ProviderId, env: NodeJS.ProcessEnv): KeyCandidate[] {
  const { key } = resolveKey(provider, env);
  return key ? [{ key, origin: 'env', id: 'env' }] : [];
}
