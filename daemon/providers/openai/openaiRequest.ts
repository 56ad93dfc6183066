import type { ChatCompletionCreateParamsBase, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ProviderRequest } from '../types';
import type { OpenAIChatOptions } from './openaiChatOptions';

/**
 * The canonical request as Chat Completions. The system prompt goes in as a `system` message:
 * OpenAI maps it to `developer` for reasoning models itself, and every compatible server knows
 * `system` while many do not know `developer`.
 */
export function toOpenAIParams(req: ProviderRequest, options: OpenAIChatOptions): ChatCompletionCreateParamsBase {
  const messages: ChatCompletionMessageParam[] = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) messages.push({ role: m.role, content: m.content });
  return {
    model: req.model,
    messages,
    [options.maxTokensField]: req.maxTokens,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
}
