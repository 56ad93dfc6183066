import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ToolCall } from '../../../protocol';
import type { ProviderResponse } from '../types';
import { fromAnthropicUsage, withThinkingEstimate } from './anthropicUsage';

/**
 * The answer's text and tool calls. The tool standing in for a response schema is no tool call:
 * its input is the answer, as JSON text.
 */
export function answerOf(message: Message, schemaTool: string | undefined): { text: string; toolCalls: ToolCall[] } {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use' && block.name === schemaTool) text = JSON.stringify(block.input);
    else if (block.type === 'tool_use')
      toolCalls.push({ id: block.id, name: block.name, input: block.input as Record<string, unknown> });
  }
  return { text, toolCalls };
}

/** The characters of the answer a reader sees: text, and tool-call input as JSON. */
function visibleChars(message: Message): number {
  return message.content.reduce(
    (n, b) => n + (b.type === 'text' ? b.text.length : b.type === 'tool_use' ? JSON.stringify(b.input).length : 0),
    0,
  );
}

/**
 * A whole Messages API answer read the one way, for a live call and for a batch result alike.
 * `schemaTool` is the response schema's name, when the request had one.
 */
export function fromAnthropicMessage(
  data: Message,
  schemaTool: string | undefined,
): Omit<ProviderResponse, 'headers' | 'adjusted'> {
  const { text, toolCalls } = answerOf(data, schemaTool);
  return {
    text,
    ...(toolCalls.length ? { toolCalls } : {}),
    model: data.model,
    usage: withThinkingEstimate(
      fromAnthropicUsage(data.usage),
      data.content.some((b) => b.type === 'thinking' || b.type === 'redacted_thinking'),
      visibleChars(data),
    ),
    stopReason: data.stop_reason,
    ...(data.stop_sequence ? { stopSequence: data.stop_sequence } : {}),
    responseId: data.id,
  };
}
