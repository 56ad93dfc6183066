import type { ProviderConfig } from '../types';
import { OpenAIChatAdapter } from './openaiChatAdapter';
import type { OpenAIChatOptions } from './openaiChatOptions';

/** OpenAI itself: what its chat requests look like, live or in a batch. */
export const OPENAI_CHAT_OPTIONS: OpenAIChatOptions = {
  id: 'openai',
  maxTokensField: 'max_completion_tokens',
  requireUsageChunk: true,
};

export function createOpenAIAdapter(cfg: ProviderConfig): OpenAIChatAdapter {
  return new OpenAIChatAdapter(cfg, OPENAI_CHAT_OPTIONS);
}
