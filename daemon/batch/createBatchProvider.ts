import type { BatchProviderId } from '../../protocol';
import type { ProviderConfig } from '../providers/types';
import type { BatchProvider } from './batchTypes';
import { loadChunk } from '../platform/codeChunk';

/**
 * A provider's Batch API client. Its module, and the SDK it uses, load on the first call: most
 * daemons never submit a batch, and the SDKs cost tens of milliseconds and megabytes to load.
 */
export function createBatchProvider(id: BatchProviderId, cfg: ProviderConfig): BatchProvider {
  let loading: Promise<BatchProvider> | undefined;
  const provider = (): Promise<BatchProvider> =>
    (loading ??= loadBatchProvider(id, cfg).catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
  return {
    id,
    submit: async (entries, model, signal) => (await provider()).submit(entries, model, signal),
    status: async (batchId, signal) => (await provider()).status(batchId, signal),
    cancel: async (batchId, signal) => (await provider()).cancel(batchId, signal),
    async *results(batchId, items, signal) {
      yield* (await provider()).results(batchId, items, signal);
    },
  };
}

async function loadBatchProvider(id: BatchProviderId, cfg: ProviderConfig): Promise<BatchProvider> {
  switch (id) {
    case 'anthropic':
      return new (await loadChunk('the Anthropic batch code', () => import('./anthropicBatch'))).AnthropicBatch(cfg);
    case 'openai':
      return new (await loadChunk('the OpenAI batch code', () => import('./openaiBatch'))).OpenAIBatch(cfg);
    case 'gemini':
      return new (await loadChunk('the Gemini batch code', () => import('./geminiBatch'))).GeminiBatch(cfg);
  }
}
