import type { ProviderId } from '../../protocol';

export type KeySourceKind = 'keychain' | 'env' | 'none' | 'not-required';

export interface ResolvedKey {
  key: string | undefined;
  source: KeySourceKind;
}

const KEY_ENV: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
  openaiCompatible: 'OPENAI_COMPATIBLE_API_KEY',
};

export function keyEnvVar(id: ProviderId): string {
  return KEY_ENV[id];
}

/**
 * Finds a provider's key. The keychain comes first once the security issue adds it; today the
 * environment is the only source. Local OpenAI-compatible servers usually need no key at all.
 */
export function resolveKey(id: ProviderId, env: NodeJS.ProcessEnv = process.env): ResolvedKey {
  const fromEnv = env[KEY_ENV[id]]?.trim();
  if (fromEnv) return { key: fromEnv, source: 'env' };
  if (id === 'gemini' && env.GOOGLE_API_KEY?.trim()) return { key: env.GOOGLE_API_KEY.trim(), source: 'env' };
  return { key: undefined, source: id === 'openaiCompatible' ? 'not-required' : 'none' };
}
