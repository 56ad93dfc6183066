import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import type { ProviderRequest } from '../types';

/** The canonical request in Messages API terms; the system prompt has its own field there. */
export function toAnthropicParams(req: ProviderRequest): MessageCreateParamsBase {
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    // A long, stable system prompt marked ephemeral is read from Anthropic's prompt cache on the
    // next request within five minutes, at the cache-read price.
    ...(req.system ? { system: req.cacheSystem ? [{ type: 'text' as const, text: req.system, cache_control: { type: 'ephemeral' as const } }] : req.system } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
}
