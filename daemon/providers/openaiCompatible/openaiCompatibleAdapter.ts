import { OpenAIChatAdapter } from '../openai/openaiChatAdapter';
import type { ProviderConfig } from '../types';

/**
 * The openai SDK refuses to start without a key, but a local Ollama, vLLM or LM Studio needs
 * none; this placeholder satisfies the SDK and is ignored by those servers.
 */
const placeholderKey = 'not-needed';

/** Ollama, vLLM, LM Studio and other servers that speak Chat Completions at their own base URL. */
export function createOpenAICompatibleAdapter(cfg: ProviderConfig): OpenAIChatAdapter {
  return new OpenAIChatAdapter(
    cfg,
    { id: 'openaiCompatible', maxTokensField: 'max_tokens', requireUsageChunk: false },
    cfg.apiKey || placeholderKey,
  );
}
