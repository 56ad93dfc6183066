import type { ChatResult, ToolCallDelta } from '../../../protocol';
import type { HttpFailure } from '../errorStatus';
import type { SseResponse } from '../sseResponse';
import { anthropicStopReason } from '../stopReasons';
import { ToolCallOrder } from '../toolCallOrder';
import { anthropicErrorBody } from './anthropicError';
import { anthropicUsage, messageId } from './messagesResponse';

type OpenBlock = { kind: 'text' } | { kind: 'tool'; call: number };

/**
 * Writes a message as the Messages API streams it: message_start, then per content block
 * content_block_start, content_block_delta (text_delta or input_json_delta) and
 * content_block_stop, a ping after the first block opens, then message_delta with the
 * stop_reason and usage, then message_stop.
 */
export class MessagesStreamWriter {
  private began = false;
  private index = -1;
  private open: OpenBlock | undefined;
  private pinged = false;
  private readonly tools = new ToolCallOrder();

  constructor(
    private readonly sse: SseResponse,
    private readonly meta: { requestId: string; model: string; estimatedInputTokens: number },
  ) {}

  chunk(delta: string, toolCall?: ToolCallDelta): void {
    this.begin();
    if (toolCall) {
      const { ordinal, first } = this.tools.place(toolCall);
      if (first || this.open?.kind !== 'tool' || this.open.call !== ordinal) {
        this.openBlock(
          { kind: 'tool', call: ordinal },
          {
            type: 'tool_use',
            id: toolCall.id ?? `toolu_${this.meta.requestId}_${ordinal}`,
            name: toolCall.name ?? '',
            input: {},
          },
        );
      }
      if (toolCall.argumentsDelta) this.delta({ type: 'input_json_delta', partial_json: toolCall.argumentsDelta });
      return;
    }
    if (!delta) return;
    if (this.open?.kind !== 'text') this.openBlock({ kind: 'text' }, { type: 'text', text: '' });
    this.delta({ type: 'text_delta', text: delta });
  }

  finish(result: ChatResult): void {
    this.begin();
    const calls = result.toolCalls ?? [];
    if (this.index < 0 && (result.text || calls.length === 0)) {
      this.openBlock({ kind: 'text' }, { type: 'text', text: '' });
      if (result.text) this.delta({ type: 'text_delta', text: result.text });
    }
    calls.forEach((c, i) => {
      if (this.tools.streamed(c.id)) return;
      this.openBlock(
        { kind: 'tool', call: this.tools.count + i },
        { type: 'tool_use', id: c.id, name: c.name, input: {} },
      );
      this.delta({ type: 'input_json_delta', partial_json: JSON.stringify(c.input) });
    });
    this.closeBlock();
    this.sse.send(
      {
        type: 'message_delta',
        delta: {
          stop_reason: anthropicStopReason(result.stopReason, calls.length > 0),
          stop_sequence: result.stopSequence ?? null,
        },
        usage: anthropicUsage(result.usage),
      },
      'message_delta',
    );
    this.sse.send({ type: 'message_stop' }, 'message_stop');
    this.sse.end();
  }

  /** After the stream began, an error travels as `event: error`, which the SDK throws. */
  fail(failure: HttpFailure): void {
    this.sse.send(anthropicErrorBody(failure, this.meta.requestId), 'error');
    this.sse.end();
  }

  private begin(): void {
    if (this.began) return;
    this.began = true;
    this.sse.send(
      {
        type: 'message_start',
        message: {
          id: messageId(this.meta.requestId),
          type: 'message',
          role: 'assistant',
          model: this.meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: this.meta.estimatedInputTokens,
            output_tokens: 1,
            cache_read_input_tokens: 0,
            cache_creation_input_tokens: 0,
          },
        },
      },
      'message_start',
    );
  }

  private openBlock(block: OpenBlock, contentBlock: Record<string, unknown>): void {
    this.closeBlock();
    this.index++;
    this.open = block;
    this.sse.send(
      { type: 'content_block_start', index: this.index, content_block: contentBlock },
      'content_block_start',
    );
    if (!this.pinged) {
      this.pinged = true;
      this.sse.send({ type: 'ping' }, 'ping');
    }
  }

  private delta(delta: Record<string, unknown>): void {
    this.sse.send({ type: 'content_block_delta', index: this.index, delta }, 'content_block_delta');
  }

  private closeBlock(): void {
    if (!this.open) return;
    this.sse.send({ type: 'content_block_stop', index: this.index }, 'content_block_stop');
    this.open = undefined;
  }
}
