import type { ProviderId } from '../../protocol';
import { missingSetting } from './sdkClientOptions';
import type { ProviderConfig } from './types';

/**
 * The platform settings a provider cannot work without, checked without its SDK: createAdapter
 * refuses at once (nothing is sent) even though the adapter itself loads on first use.
 */
export function checkRequiredSettings(id: ProviderId, cfg: ProviderConfig): void {
  if (id === 'anthropicVertex' || id === 'geminiVertex') requireProject(id, cfg);
  if (id === 'azureOpenai') requireAzureEndpoint(cfg);
}

/** Vertex AI's Google Cloud project. */
export function requireProject(id: 'anthropicVertex' | 'geminiVertex', cfg: ProviderConfig): string {
  const project = cfg.platform?.project;
  if (!project) {
    throw missingSetting(
      id,
      `No Google Cloud project is set for ${id}: set providers.${id}.project in config.json, or GOOGLE_CLOUD_PROJECT in the daemon's environment. Nothing was sent.`,
    );
  }
  return project;
}

/** The Azure OpenAI resource's endpoint, without a trailing slash. */
export function requireAzureEndpoint(cfg: ProviderConfig): string {
  const endpoint = cfg.baseURL.replace(/\/+$/, '');
  if (!endpoint) {
    throw missingSetting(
      'azureOpenai',
      "No Azure OpenAI endpoint is set: set providers.azureOpenai.baseURL in config.json (or conduit.baseUrls.azureOpenai) to your resource's endpoint, e.g. https://NAME.openai.azure.com, or AZURE_OPENAI_ENDPOINT in the daemon's environment. Nothing was sent.",
    );
  }
  return endpoint;
}
