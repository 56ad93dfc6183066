import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import type { ProviderRequest } from '../types';

/** The canonical request in Messages API terms; the system prompt has its own field there. */
export function toAnthropicParams(req: ProviderRequest): MessageCreateParamsBase {
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    ...(req.system ? { system: req.system } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
}
