import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI, { AzureOpenAI } from 'openai';
import { AZURE_DEFAULT_API_VERSION } from '../providers/azureOpenai/azureApiVersion';
import type { ProviderId } from '../../protocol';

export interface VerifyResult {
  ok: boolean;
  message: string;
}

const VERIFY_TIMEOUT_MS = 15_000;

/**
 * One cheap authenticated call with a key (list the models) through the provider's own SDK,
 * against the configured base URL. Listing models costs nothing and needs only a valid key.
 * `redact` cleans the provider's message, which may quote the key back.
 */
export async function verifyKey(
  provider: ProviderId,
  key: string,
  baseURL: string,
  redact: (s: string) => string,
): Promise<VerifyResult> {
  const signal = AbortSignal.timeout(VERIFY_TIMEOUT_MS);
  try {
    switch (provider) {
      case 'anthropic': {
        const client = new Anthropic({ apiKey: key, baseURL, maxRetries: 0, timeout: VERIFY_TIMEOUT_MS });
        await client.models.list({ limit: 1 }, { signal });
        break;
      }
      case 'openai':
      case 'openaiCompatible': {
        const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0, timeout: VERIFY_TIMEOUT_MS });
        await client.models.list({ signal });
        break;
      }
      case 'azureOpenai': {
        // The data-plane model list takes the key and costs nothing.
        const client = new AzureOpenAI({
          apiKey: key,
          baseURL: `${baseURL.replace(/\/+$/, '')}/openai`,
          apiVersion: AZURE_DEFAULT_API_VERSION,
          maxRetries: 0,
          timeout: VERIFY_TIMEOUT_MS,
        });
        await client.models.list({ signal });
        break;
      }
      case 'anthropicBedrock':
      case 'anthropicVertex':
      case 'geminiVertex':
        // Bedrock's model list is a control-plane call a Bedrock API key may not be allowed.
        return {
          ok: false,
          message: `${provider} keys cannot be verified in advance; store it without --verify and try a request.`,
        };
      case 'gemini': {
        const client = new GoogleGenAI({
          apiKey: key,
          vertexai: false,
          httpOptions: { baseUrl: baseURL, timeout: VERIFY_TIMEOUT_MS },
        });
        await client.models.list({ config: { pageSize: 1, abortSignal: signal } });
        break;
      }
    }
    return { ok: true, message: `the ${provider} API accepted the key (listed models at ${redact(baseURL)}).` };
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    const why = redact(err instanceof Error ? err.message : String(err)).slice(0, 300);
    if (status === 401 || status === 403)
      return { ok: false, message: `the ${provider} API refused the key (HTTP ${status}): ${why}` };
    return { ok: false, message: `could not verify the key against ${redact(baseURL)}: ${why}` };
  }
}
