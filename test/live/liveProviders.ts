import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KeysListResult, ProviderId } from '../../protocol';

/** One provider the live suite can exercise: which model (the cheapest), and what it can prove. */
export interface LiveTarget {
  provider: ProviderId;
  model: string;
  /** The provider sends rate-limit headers the daemon reads (Anthropic, OpenAI, Azure). */
  rateLimitHeaders: boolean;
  /** A rejected credential can be presented through the adapter (an API key). */
  badKey?: string;
  /** Or, for a credential chain, the environment that holds a rejected credential. */
  badEnv?: Record<string, string | undefined>;
}

const model = (provider: ProviderId, fallback: string) =>
  process.env[`CONDUIT_LIVE_MODEL_${provider.toUpperCase()}`] ?? fallback;

/** Every provider, with its cheapest current model; CONDUIT_LIVE_MODEL_<PROVIDER> picks another. */
export const LIVE_TARGETS: readonly LiveTarget[] = [
  {
    provider: 'anthropic',
    model: model('anthropic', 'claude-haiku-5-5'),
    rateLimitHeaders: true,
    badKey: 'sk-ant-api03-conduit-live-INVALID-key-000000000000',
  },
  {
    provider: 'openai',
    model: model('openai', 'gpt-5.6-luna'),
    rateLimitHeaders: true,
    badKey: 'sk-proj-conduit-live-INVALID-key-0000000000000000',
  },
  {
    provider: 'gemini',
    model: model('gemini', 'gemini-3.5-flash-lite'),
    rateLimitHeaders: false,
    badKey: 'AIzaConduitLiveInvalidKey000000000000000',
  },
  {
    provider: 'anthropicBedrock',
    model: model('anthropicBedrock', 'global.anthropic.claude-haiku-5-5'),
    rateLimitHeaders: false,
    // AWS's documented example keys: well formed, never valid. SigV4 with them is refused.
    badEnv: {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_BEARER_TOKEN_BEDROCK: undefined,
    },
  },
  { provider: 'anthropicVertex', model: model('anthropicVertex', 'claude-haiku-5-5'), rateLimitHeaders: false },
  { provider: 'geminiVertex', model: model('geminiVertex', 'gemini-3.5-flash-lite'), rateLimitHeaders: false },
  {
    provider: 'azureOpenai',
    model: model('azureOpenai', 'gpt-5.4-mini'),
    rateLimitHeaders: true,
    badKey: 'conduit-live-INVALID-azure-key-0000000000000000',
  },
];

const exists = (file: string | undefined) => file !== undefined && file !== '' && fs.existsSync(file);

/**
 * Why a provider cannot run live, or undefined when it can. Keys come from the keychain (as
 * `conduit key list` reports them) or the environment; the cloud platforms need their own
 * credential chain and settings.
 */
export function missingCredentials(
  provider: ProviderId,
  keys: KeysListResult | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const hasKey = (keys?.providers.find((p) => p.provider === provider)?.keys.length ?? 0) > 0;
  const home = os.homedir();
  switch (provider) {
    case 'anthropic':
    case 'openai':
    case 'gemini':
      return hasKey ? undefined : `no ${provider} key in the keychain or the environment`;
    case 'anthropicBedrock': {
      const aws =
        hasKey ||
        !!env.AWS_ACCESS_KEY_ID ||
        !!env.AWS_PROFILE ||
        exists(path.join(home, '.aws', 'credentials')) ||
        exists(path.join(home, '.aws', 'config'));
      return aws ? undefined : 'no AWS credentials (environment, profile or ~/.aws) and no Bedrock API key';
    }
    case 'anthropicVertex':
    case 'geminiVertex': {
      const adc =
        exists(env.GOOGLE_APPLICATION_CREDENTIALS) ||
        exists(path.join(home, '.config', 'gcloud', 'application_default_credentials.json'));
      if (!adc) return 'no Google Application Default Credentials';
      return env.GOOGLE_CLOUD_PROJECT ? undefined : 'GOOGLE_CLOUD_PROJECT is not set';
    }
    case 'azureOpenai':
      if (!hasKey) return 'no Azure OpenAI key in the keychain or AZURE_OPENAI_API_KEY';
      return env.AZURE_OPENAI_ENDPOINT ? undefined : 'AZURE_OPENAI_ENDPOINT is not set';
    case 'openaiCompatible':
      return 'local servers are not part of the live suite';
  }
}
