import { describe, expect, it } from 'vitest';
import { emptyUsage, type ChatResult } from '../../../../protocol';
import { MessagesStreamWriter } from '../../../../daemon/http/anthropic/messagesStream';
import { messageOf } from '../../../../daemon/http/anthropic/messagesResponse';
import { ChatStreamWriter } from '../../../../daemon/http/openai/chatStream';
import { chatCompletionOf } from '../../../../daemon/http/openai/chatResponse';
import type { SseResponse } from '../../../../daemon/http/sseResponse';

/** Records what a writer sends, in order; stands in for the HTTP response. */
function recorder(): { sse: SseResponse; events: Array<{ event?: string; data: unknown }>; ended: () => boolean } {
  const events: Array<{ event?: string; data: unknown }> = [];
  let ended = false;
  const sse = {
    send: (data: unknown, event?: string) => {
      events.push({ ...(event ? { event } : {}), data });
    },
    end: () => {
      ended = true;
    },
    get started() {
      return events.length > 0;
    },
  };
  return { sse: sse as unknown as SseResponse, events, ended: () => ended };
}

function result(over: Partial<ChatResult> = {}): ChatResult {
  return {
    requestId: 'r1',
    text: 'Hi there',
    provider: 'anthropic',
    model: 'claude-haiku-5-5',
    usage: { ...emptyUsage(), input_tokens: 100, output_tokens: 7, cache_read_tokens: 60, cache_write_tokens: 10 },
    stopReason: 'end_turn',
    latencyMs: 1,
    ttftMs: 1,
    attempts: 1,
    attemptLog: [],
    cache: 'none',
    fallbacks: [],
    ...over,
  };
}

describe('OpenAI chat stream writer', () => {
  it('role first, content pieces, finish_reason, the usage chunk, [DONE]; tool calls numbered from 0', () => {
    const r = recorder();
    const w = new ChatStreamWriter(r.sse, { requestId: 'r1', model: 'conduit/simple', created: 1, includeUsage: true });
    w.chunk('Hi ');
    w.chunk('', { index: 1, id: 'call_a', name: 'f', argumentsDelta: '' });
    w.chunk('', { index: 1, argumentsDelta: '{"x":1}' });
    w.finish(result({ toolCalls: [{ id: 'call_a', name: 'f', input: { x: 1 } }], stopReason: 'tool_use' }));
    const deltas = r.events.map(
      (e) => (e.data as { choices?: Array<{ delta: unknown; finish_reason: string | null }> }).choices?.[0],
    );
    expect(deltas[0]).toMatchObject({ delta: { role: 'assistant', content: '' }, finish_reason: null });
    expect(deltas[1]).toMatchObject({ delta: { content: 'Hi ' } });
    expect(deltas[2]).toMatchObject({
      delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] },
    });
    expect(deltas[3]).toMatchObject({ delta: { tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] } });
    expect(deltas[4]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(r.events[5]!.data).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 60 } },
    });
    expect(r.events[0]!.data).toMatchObject({ usage: null, object: 'chat.completion.chunk' });
    expect(r.events[6]!.data).toBe('[DONE]');
    expect(r.ended()).toBe(true);
  });

  it('a result with nothing streamed (a replay) still sends its text; JSON shape for non-streamed', () => {
    const r = recorder();
    new ChatStreamWriter(r.sse, { requestId: 'r1', model: 'm', created: 1, includeUsage: false }).finish(
      result({ stopReason: 'max_tokens' }),
    );
    expect(
      r.events.map((e) => (e.data as { choices?: Array<{ delta: unknown; finish_reason: unknown }> }).choices?.[0]),
    ).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Hi there' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'length' },
      undefined,
    ]);
    expect(chatCompletionOf(result(), 5)).toMatchObject({
      object: 'chat.completion',
      created: 5,
      choices: [{ message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }],
      usage: { total_tokens: 107 },
    });
  });
});

describe('Anthropic messages stream writer', () => {
  it('the real event sequence, with usage that excludes cached input as Anthropic counts it', () => {
    const r = recorder();
    const w = new MessagesStreamWriter(r.sse, { requestId: 'r1', model: 'gpt-5.4-mini', estimatedInputTokens: 90 });
    w.chunk('Hi');
    w.chunk(' there');
    w.chunk('', { index: 0, id: 'call_1', name: 'f', argumentsDelta: '' });
    w.chunk('', { index: 0, argumentsDelta: '{}' });
    w.finish(result({ toolCalls: [{ id: 'call_1', name: 'f', input: {} }], stopReason: 'tool_calls' }));
    expect(r.events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(r.events[6]!.data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
    });
    expect(r.events[9]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 30, output_tokens: 7, cache_read_input_tokens: 60, cache_creation_input_tokens: 10 },
    });
    expect(messageOf(result())).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hi there' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 30 },
    });
  });

  it('an error after the stream began goes in band as event: error', () => {
    const r = recorder();
    const w = new MessagesStreamWriter(r.sse, { requestId: 'r1', model: 'm', estimatedInputTokens: 1 });
    w.chunk('partial');
    w.fail({ status: 502, code: 'stream_interrupted', message: 'cut' });
    expect(r.events[r.events.length - 1]).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'api_error', message: 'cut' }, request_id: 'r1' },
    });
    expect(r.ended()).toBe(true);
  });
});
