import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { describe, expect, it } from 'vitest';
import { anthropicOutcome } from '../../../../daemon/batch/anthropicBatch';
import { fromAnthropicMessage } from '../../../../daemon/providers/anthropic/anthropicAnswer';

function succeeded(message: Partial<Message>): MessageBatchIndividualResponse {
  return {
    custom_id: 'q1',
    result: {
      type: 'succeeded',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 20 },
        ...message,
      } as Message,
    },
  };
}

describe('anthropicOutcome: a batch result read as a live answer is', () => {
  it("gives the answer's tool calls and the stop sequence it ended at", () => {
    const line = succeeded({
      content: [
        { type: 'text', text: 'Looking it up.', citations: null },
        { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { symbol: 'parse' } },
      ] as Message['content'],
      stop_reason: 'tool_use',
    });
    expect(anthropicOutcome(line, undefined)).toMatchObject({
      customId: 'q1',
      state: 'succeeded',
      text: 'Looking it up.',
      toolCalls: [{ id: 'toolu_1', name: 'lookup', input: { symbol: 'parse' } }],
      stopReason: 'tool_use',
      responseId: 'msg_1',
    });
    const stopped = anthropicOutcome(
      succeeded({
        content: [{ type: 'text', text: 'one two ', citations: null }] as Message['content'],
        stop_reason: 'stop_sequence',
        stop_sequence: 'END',
      }),
      undefined,
    );
    expect(stopped).toMatchObject({ text: 'one two ', stopReason: 'stop_sequence', stopSequence: 'END' });
    expect(stopped).not.toHaveProperty('toolCalls');
  });

  it("takes the schema's stand-in tool (older models) as the answer's text, not as a tool call", () => {
    const line = succeeded({
      content: [{ type: 'tool_use', id: 'toolu_2', name: 'names', input: { items: ['a', 'b'] } }] as Message['content'],
      stop_reason: 'tool_use',
    });
    const outcome = anthropicOutcome(line, 'names');
    expect(outcome).toMatchObject({ state: 'succeeded', text: '{"items":["a","b"]}' });
    expect(outcome).not.toHaveProperty('toolCalls');
    // The live adapter reads the same message the same way.
    const { customId: _id, state: _state, ...read } = outcome as Extract<typeof outcome, { state: 'succeeded' }>;
    expect(read).toEqual(fromAnthropicMessage((line.result as { message: Message }).message, 'names'));
  });
});
