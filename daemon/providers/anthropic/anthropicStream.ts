import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { fromAnthropicUsage, mergeAnthropicUsage, type AnthropicUsageFields } from './anthropicUsage';
import type { DoneEvent, StreamAccumulator } from '../streamRunner';

/** Folds Messages API stream events; message_stop is the end marker. */
export class AnthropicStreamAccumulator implements StreamAccumulator<RawMessageStreamEvent> {
  readonly endMarker = 'message_stop';
  complete = false;
  #model: string;
  #responseId: string | undefined;
  #stopReason: string | null = null;
  #usage: AnthropicUsageFields = {};

  constructor(requestedModel: string) {
    this.#model = requestedModel;
  }

  push(event: RawMessageStreamEvent): string {
    switch (event.type) {
      case 'message_start':
        this.#model = event.message.model;
        this.#responseId = event.message.id;
        this.#usage = event.message.usage;
        return '';
      case 'content_block_delta':
        return event.delta.type === 'text_delta' ? event.delta.text : '';
      case 'message_delta':
        this.#stopReason = event.delta.stop_reason ?? this.#stopReason;
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
      usage: fromAnthropicUsage(this.#usage),
      stopReason: this.#stopReason,
      ...(this.#responseId !== undefined ? { responseId: this.#responseId } : {}),
      headers,
    };
  }
}
