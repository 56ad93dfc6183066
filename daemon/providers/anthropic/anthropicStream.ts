import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import {
  fromAnthropicUsage,
  mergeAnthropicUsage,
  withThinkingEstimate,
  type AnthropicUsageFields,
} from './anthropicUsage';
import type { ToolCallDelta } from '../../../protocol';
import type { DoneEvent, StreamAccumulator } from '../streamRunner';
import { ToolCallAssembler } from '../toolCalls';

/** Folds Messages API stream events; message_stop is the end marker. */
export class AnthropicStreamAccumulator implements StreamAccumulator<RawMessageStreamEvent> {
  readonly endMarker = 'message_stop';
  complete = false;
  #model: string;
  #responseId: string | undefined;
  #stopReason: string | null = null;
  #stopSequence: string | null = null;
  #usage: AnthropicUsageFields = {};
  readonly #tools = new ToolCallAssembler();
  /** The content block that holds the response-schema tool's input: its JSON is the answer's text. */
  #schemaBlock: number | undefined;
  #sawThinking = false;
  #visibleChars = 0;

  constructor(
    requestedModel: string,
    private readonly schemaTool?: string,
  ) {
    this.#model = requestedModel;
  }

  takeToolCalls(): ToolCallDelta[] {
    return this.#tools.take();
  }

  push(event: RawMessageStreamEvent): string {
    switch (event.type) {
      case 'message_start':
        this.#model = event.message.model;
        this.#responseId = event.message.id;
        this.#usage = event.message.usage;
        return '';
      case 'content_block_start':
        if (event.content_block.type === 'thinking' || event.content_block.type === 'redacted_thinking')
          this.#sawThinking = true;
        if (event.content_block.type === 'tool_use') {
          if (event.content_block.name === this.schemaTool) this.#schemaBlock = event.index;
          else this.#tools.start(event.index, event.content_block.id, event.content_block.name);
        }
        return '';
      case 'content_block_delta':
        if (event.delta.type === 'input_json_delta') {
          this.#visibleChars += event.delta.partial_json.length;
          if (event.index === this.#schemaBlock) return event.delta.partial_json;
          this.#tools.append(event.index, event.delta.partial_json);
          return '';
        }
        // thinking_delta and signature_delta are the model's reasoning, not its answer.
        if (event.delta.type !== 'text_delta') return '';
        this.#visibleChars += event.delta.text.length;
        return event.delta.text;
      case 'message_delta':
        this.#stopReason = event.delta.stop_reason ?? this.#stopReason;
        this.#stopSequence = event.delta.stop_sequence ?? this.#stopSequence;
        this.#usage = mergeAnthropicUsage(this.#usage, event.usage);
        return '';
      case 'message_stop':
        this.complete = true;
        return '';
      default:
        return '';
    }
  }

  done(headers: Record<string, string>): DoneEvent {
    return {
      type: 'done',
      model: this.#model,
      usage: withThinkingEstimate(fromAnthropicUsage(this.#usage), this.#sawThinking, this.#visibleChars),
      stopReason: this.#stopReason,
      ...(this.#stopSequence ? { stopSequence: this.#stopSequence } : {}),
      ...(this.#tools.size ? { toolCalls: this.#tools.calls() } : {}),
      ...(this.#responseId !== undefined ? { responseId: this.#responseId } : {}),
      headers,
    };
  }
}
