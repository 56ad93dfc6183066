import type { ChatResult, Usage } from '../../../protocol';
import { openaiFinishReason } from '../stopReasons';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** The canonical usage in OpenAI's fields (whose prompt_tokens include cached tokens, as ours do). */
export function openaiUsage(u: Usage): OpenAIUsage {
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.input_tokens + u.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cache_read_tokens },
    completion_tokens_details: { reasoning_tokens: u.reasoning_tokens },
  };
}

export function completionId(requestId: string): string {
  return `chatcmpl-${requestId}`;
}

/** A `chat.completion` object for a finished result. `model` is the model that answered. */
export function chatCompletionOf(result: ChatResult, created: number): Record<string, unknown> {
  const toolCalls = result.toolCalls ?? [];
  const content = result.text;
  return {
    id: completionId(result.requestId),
    object: 'chat.completion',
    created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length && !content ? null : content,
          refusal: null,
          ...(toolCalls.length
            ? {
                tool_calls: toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: JSON.stringify(c.input) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: openaiFinishReason(result.stopReason, toolCalls.length > 0),
      },
    ],
    usage: openaiUsage(result.usage),
  };
}
