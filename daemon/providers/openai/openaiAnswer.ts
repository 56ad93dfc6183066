import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ProviderResponse } from '../types';
import { parseArguments } from '../toolCalls';
import { fromOpenAIUsage } from './openaiUsage';

/**
 * A whole Chat Completions answer read the one way, for a live call and for a batch result
 * alike: the first choice's text, its function calls, why it stopped. OpenAI does not say which
 * stop sequence ended an answer (its finish_reason is an ordinary "stop").
 */
export function fromOpenAICompletion(data: ChatCompletion): Omit<ProviderResponse, 'headers' | 'adjusted'> {
  const choice = data.choices?.[0];
  const toolCalls = (choice?.message?.tool_calls ?? []).flatMap((c) =>
    c.type === 'function' ? [{ id: c.id, name: c.function.name, input: parseArguments(c.function.arguments) }] : [],
  );
  return {
    text: choice?.message?.content ?? '',
    ...(toolCalls.length ? { toolCalls } : {}),
    model: data.model,
    usage: fromOpenAIUsage(data.usage),
    stopReason: choice?.finish_reason ?? null,
    ...(data.id ? { responseId: data.id } : {}),
  };
}
