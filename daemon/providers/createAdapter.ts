import type { ProviderId } from '../../protocol';
import type { ProviderAdapter, ProviderConfig } from './types';
import { withCapabilities } from './capabilities/withCapabilities';
import { lazyAdapter } from './lazyAdapter';
import { checkRequiredSettings } from './requiredSettings';
import { loadChunk } from '../platform/codeChunk';

/**
 * One adapter, and so one SDK client and its connection pool, per call: callers keep it. The
 * adapter's module, and its SDK, load on its first request (see lazyAdapter.ts); a missing
 * platform setting is refused here, at once.
 */
export function createAdapter(id: ProviderId, cfg: ProviderConfig): ProviderAdapter {
  checkRequiredSettings(id, cfg);
  return withCapabilities(lazyAdapter(id, () => loadChunk(`the ${id} provider's code`, () => loadAdapter(id, cfg))));
}

/** Each import() is a separate lazily evaluated module in the bundle: only the providers used load. */
async function loadAdapter(id: ProviderId, cfg: ProviderConfig): Promise<ProviderAdapter> {
  switch (id) {
    case 'anthropic':
      return new (await import('./anthropic/anthropicAdapter')).AnthropicAdapter(cfg);
    case 'openai':
      return (await import('./openai/openaiAdapter')).createOpenAIAdapter(cfg);
    case 'gemini':
      return new (await import('./gemini/geminiAdapter')).GeminiAdapter(cfg);
    case 'openaiCompatible':
      return (await import('./openaiCompatible/openaiCompatibleAdapter')).createOpenAICompatibleAdapter(cfg);
    case 'anthropicBedrock':
      return (await import('./anthropicBedrock/anthropicBedrockAdapter')).createAnthropicBedrockAdapter(cfg);
    case 'anthropicVertex':
      return (await import('./anthropicVertex/anthropicVertexAdapter')).createAnthropicVertexAdapter(cfg);
    case 'geminiVertex':
      return (await import('./geminiVertex/geminiVertexAdapter')).createGeminiVertexAdapter(cfg);
    case 'azureOpenai':
      return (await import('./azureOpenai/azureOpenaiAdapter')).createAzureOpenAIAdapter(cfg);
  }
}
