import type { ProviderConfig } from '../types';
import { OpenAIChatAdapter } from './openaiChatAdapter';

export function createOpenAIAdapter(cfg: ProviderConfig): OpenAIChatAdapter {
  return new OpenAIChatAdapter(cfg, { id: 'openai', maxTokensField: 'max_completion_tokens', requireUsageChunk: true });
}
