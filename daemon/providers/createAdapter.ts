import type { ProviderId } from '../../protocol';
import { AnthropicAdapter } from './anthropic/anthropicAdapter';
import { createAnthropicBedrockAdapter } from './anthropicBedrock/anthropicBedrockAdapter';
import { createAnthropicVertexAdapter } from './anthropicVertex/anthropicVertexAdapter';
import { createAzureOpenAIAdapter } from './azureOpenai/azureOpenaiAdapter';
import { GeminiAdapter } from './gemini/geminiAdapter';
import { createGeminiVertexAdapter } from './geminiVertex/geminiVertexAdapter';
import { createOpenAIAdapter } from './openai/openaiAdapter';
import { createOpenAICompatibleAdapter } from './openaiCompatible/openaiCompatibleAdapter';
import type { ProviderAdapter, ProviderConfig } from './types';
import { withCapabilities } from './capabilities/withCapabilities';

/** One adapter, and so one SDK client and its connection pool, per call: callers keep it. */
export function createAdapter(id: ProviderId, cfg: ProviderConfig): ProviderAdapter {
  return withCapabilities(bareAdapter(id, cfg));
}

function bareAdapter(id: ProviderId, cfg: ProviderConfig): ProviderAdapter {
  switch (id) {
    case 'anthropic':
      return new AnthropicAdapter(cfg);
    case 'openai':
      return createOpenAIAdapter(cfg);
    case 'gemini':
      return new GeminiAdapter(cfg);
    case 'openaiCompatible':
      return createOpenAICompatibleAdapter(cfg);
    case 'anthropicBedrock':
      return createAnthropicBedrockAdapter(cfg);
    case 'anthropicVertex':
      return createAnthropicVertexAdapter(cfg);
    case 'geminiVertex':
      return createGeminiVertexAdapter(cfg);
    case 'azureOpenai':
      return createAzureOpenAIAdapter(cfg);
  }
}
