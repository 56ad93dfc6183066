import type { ChatResult, ToolCallDelta } from '../../../protocol';
import type { HttpFailure } from '../errorStatus';
import type { SseResponse } from '../sseResponse';
import { openaiFinishReason } from '../stopReasons';
import { ToolCallOrder } from '../toolCallOrder';
import { completionId, openaiUsage } from './chatResponse';
import { openaiErrorBody } from './openaiError';

/**
 * Writes a chat completion as OpenAI streams it: `chat.completion.chunk` objects, the role in
 * the first, then content or tool_call pieces, then one with the finish_reason; with
 * stream_options.include_usage every chunk has `usage: null` and a last one with `choices: []`
 * carries the usage; then `data: [DONE]`.
 */
export class ChatStreamWriter {
  private began = false;
  private readonly tools = new ToolCallOrder();

  constructor(
    private readonly sse: SseResponse,
    private readonly meta: { requestId: string; model: string; created: number; includeUsage: boolean },
  ) {}

  chunk(delta: string, toolCall?: ToolCallDelta): void {
    this.begin();
    if (toolCall) {
      const { ordinal } = this.tools.place(toolCall);
      const call: Record<string, unknown> = { index: ordinal };
      if (toolCall.id !== undefined) {
        call.id = toolCall.id;
        call.type = 'function';
      }
      call.function = {
        ...(toolCall.name !== undefined ? { name: toolCall.name } : {}),
        arguments: toolCall.argumentsDelta,
      };
      this.write({ tool_calls: [call] }, null);
    } else if (delta) {
      this.write({ content: delta }, null);
    }
  }

  finish(result: ChatResult): void {
    const streamedText = this.began;
    this.begin();
    if (!streamedText && result.text) this.write({ content: result.text }, null);
    let next = this.tools.count;
    (result.toolCalls ?? []).forEach((c) => {
      if (this.tools.streamed(c.id)) return;
      this.write(
        {
          tool_calls: [
            {
              index: next++,
              id: c.id,
              type: 'function',
              function: { name: c.name, arguments: JSON.stringify(c.input) },
            },
          ],
        },
        null,
      );
    });
    this.write({}, openaiFinishReason(result.stopReason, (result.toolCalls?.length ?? 0) > 0), result.model);
    if (this.meta.includeUsage)
      this.sse.send({ ...this.base(result.model), choices: [], usage: openaiUsage(result.usage) });
    this.sse.send('[DONE]');
    this.sse.end();
  }

  /** After the stream began, an error travels in band, as OpenAI sends one; the SDK throws it. */
  fail(failure: HttpFailure): void {
    this.sse.send(openaiErrorBody(failure));
    this.sse.end();
  }

  private begin(): void {
    if (this.began) return;
    this.began = true;
    this.write({ role: 'assistant', content: '' }, null);
  }

  private write(delta: Record<string, unknown>, finishReason: string | null, model?: string): void {
    this.sse.send({
      ...this.base(model ?? this.meta.model),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(this.meta.includeUsage ? { usage: null } : {}),
    });
  }

  private base(model: string): Record<string, unknown> {
    return {
      id: completionId(this.meta.requestId),
      object: 'chat.completion.chunk',
      created: this.meta.created,
      model,
      system_fingerprint: null,
    };
  }
}
