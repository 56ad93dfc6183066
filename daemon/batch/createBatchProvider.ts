import type { BatchProviderId } from '../../protocol';
import type { ProviderConfig } from '../providers/types';
import { AnthropicBatch } from './anthropicBatch';
import type { BatchProvider } from './batchTypes';
import { GeminiBatch } from './geminiBatch';
import { OpenAIBatch } from './openaiBatch';

export function createBatchProvider(id: BatchProviderId, cfg: ProviderConfig): BatchProvider {
  switch (id) {
    case 'anthropic':
      return new AnthropicBatch(cfg);
    case 'openai':
      return new OpenAIBatch(cfg);
    case 'gemini':
      return new GeminiBatch(cfg);
  }
}
