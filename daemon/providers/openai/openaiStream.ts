import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ToolCallDelta } from '../../../protocol';
import type { DoneEvent, StreamAccumulator } from '../streamRunner';
import { ToolCallAssembler } from '../toolCalls';
import { fromOpenAIUsage } from './openaiUsage';

/**
 * Folds chat.completion.chunk events. The SDK swallows `[DONE]`, so the end is a finish_reason,
 * plus the usage chunk when the server is known to send one.
 */
export class OpenAIStreamAccumulator implements StreamAccumulator<ChatCompletionChunk> {
  readonly endMarker: string;
  #model: string;
  #responseId: string | undefined;
  #finishReason: string | null = null;
  #usage: CompletionUsage | null = null;
  readonly #requireUsage: boolean;
  readonly #tools = new ToolCallAssembler();

  constructor(requestedModel: string, requireUsage: boolean) {
    this.#model = requestedModel;
    this.#requireUsage = requireUsage;
    this.endMarker = requireUsage ? 'a finish_reason and the usage chunk' : 'a finish_reason';
  }

  get complete(): boolean {
    return this.#finishReason !== null && (!this.#requireUsage || this.#usage !== null);
  }

  push(chunk: ChatCompletionChunk): string {
    if (chunk.model) this.#model = chunk.model;
    if (chunk.id) this.#responseId = chunk.id;
    if (chunk.usage) this.#usage = chunk.usage;
    let text = '';
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      if (choice.delta?.content) text += choice.delta.content;
      // The first piece of each call has its id and name; later ones only more arguments.
      for (const call of choice.delta?.tool_calls ?? []) {
        if (call.id) this.#tools.start(call.index, call.id, call.function?.name ?? '');
        this.#tools.append(call.index, call.function?.arguments ?? '');
      }
      if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    }
    return text;
  }

  takeToolCalls(): ToolCallDelta[] {
    return this.#tools.take();
  }

  done(headers: Record<string, string>): DoneEvent {
    return {
      type: 'done',
      model: this.#model,
      usage: fromOpenAIUsage(this.#usage),
      stopReason: this.#finishReason,
      ...(this.#tools.size ? { toolCalls: this.#tools.calls() } : {}),
      ...(this.#responseId !== undefined ? { responseId: this.#responseId } : {}),
      headers,
    };
  }
}
