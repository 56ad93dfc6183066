import type { ChatResult, Usage } from '../../../protocol';
import { anthropicStopReason } from '../stopReasons';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** Anthropic counts input_tokens without the cached parts; the canonical count includes them. */
export function anthropicUsage(u: Usage): AnthropicUsage {
  return {
    input_tokens: Math.max(0, u.input_tokens - u.cache_read_tokens - u.cache_write_tokens),
    output_tokens: u.output_tokens,
    cache_read_input_tokens: u.cache_read_tokens,
    cache_creation_input_tokens: u.cache_write_tokens,
  };
}

export function messageId(requestId: string): string {
  return `msg_${requestId}`;
}

/** A `message` object for a finished result. `model` is the model that answered. */
export function messageOf(result: ChatResult): Record<string, unknown> {
  const toolCalls = result.toolCalls ?? [];
  const content: Record<string, unknown>[] = [];
  if (result.text || toolCalls.length === 0) content.push({ type: 'text', text: result.text });
  for (const c of toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
  return {
    id: messageId(result.requestId),
    type: 'message',
    role: 'assistant',
    model: result.model,
    content,
    stop_reason: anthropicStopReason(result.stopReason, toolCalls.length > 0),
    stop_sequence: result.stopSequence ?? null,
    usage: anthropicUsage(result.usage),
  };
}
