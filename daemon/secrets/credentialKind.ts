import type { ProviderId } from '../../protocol';

/**
 * How each provider authenticates:
 * - `key`: an API key from the keychain or the environment, required;
 * - `optionalKey`: a key when there is one, else none (local servers), or else the platform's own
 *   chain (Bedrock: a Bedrock API key if stored, otherwise SigV4 with the AWS credential chain);
 * - `ambient`: only the platform's own chain, never a stored key (Vertex AI: Google ADC).
 */
export type CredentialKind = 'key' | 'optionalKey' | 'ambient';

const KINDS: Record<ProviderId, CredentialKind> = {
  anthropic: 'key',
  openai: 'key',
  gemini: 'key',
  openaiCompatible: 'optionalKey',
  anthropicBedrock: 'optionalKey',
  anthropicVertex: 'ambient',
  geminiVertex: 'ambient',
  azureOpenai: 'key',
};

export function credentialKind(id: ProviderId): CredentialKind {
  return KINDS[id];
}

/** A request to this provider fails at once (no_api_key) without a key. */
export function keyRequired(id: ProviderId): boolean {
  return KINDS[id] === 'key';
}

/** Why `conduit key set` refuses a provider that takes no key, and what to do instead. */
export function ambientCredentialsHelp(id: ProviderId): string | undefined {
  if (KINDS[id] !== 'ambient') return undefined;
  return `${id} uses Google Application Default Credentials, not an API key: run \`gcloud auth application-default login\`, or set GOOGLE_APPLICATION_CREDENTIALS to a credentials file, then \`conduit stop\` so the daemon restarts with them.`;
}

/**
 * Secrets of the platforms' credential chains that sit in the environment: never Conduit's to
 * use, but the log and error redactor must know them all the same.
 */
export function ambientSecrets(env: NodeJS.ProcessEnv): string[] {
  return ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']
    .map((name) => env[name]?.trim() ?? '')
    .filter((v) => v.length > 0);
}
