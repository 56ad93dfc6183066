import { describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../../../../daemon/providers/anthropic/anthropicAdapter';
import { PNG_1PX } from '../../../../fixtures/images';
import { drain, request, signal, useAdapter } from '../adapterHarness';
import { weatherTool } from '../../../../fixtures/tools';

const env = useAdapter<AnthropicAdapter>(
  (fake) => new AnthropicAdapter({ apiKey: 'sk-ant-test', baseURL: fake.baseURL('anthropic') }),
);
const weather = weatherTool;
const answerSchema = {
  name: 'answer',
  schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
};

describe('AnthropicAdapter: tools, images, schemas and thinking through @anthropic-ai/sdk', () => {
  it('sends tools and tool_choice in Messages API form, and returns the tool_use block as a tool call', async () => {
    env.fake.enqueue('anthropic', {
      text: 'Checking.',
      toolCalls: [{ id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
    });
    const res = await env.adapter.chat(request({ tools: [weather], toolChoice: { name: 'get_weather' } }), signal());
    expect(res).toMatchObject({
      text: 'Checking.',
      stopReason: 'tool_use',
      toolCalls: [{ id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
    });
    expect(env.fake.lastRequest('anthropic')?.body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: weather.inputSchema }],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
  });

  it('stream: a tool call arrives as typed pieces (input_json_delta) and whole in done', async () => {
    env.fake.enqueue('anthropic', {
      deltas: ['Let me look.'],
      toolCalls: [{ id: 'toolu_2', name: 'get_weather', input: { city: 'Bergen', days: 3 } }],
    });
    const { texts, toolDeltas, done } = await drain(env.adapter.stream(request({ tools: [weather] }), signal()));
    expect(texts.join('')).toBe('Let me look.');
    // The call is content block 1 (after the text block), but calls are numbered from 0 for the client.
    expect(toolDeltas[0]).toEqual({ index: 0, id: 'toolu_2', name: 'get_weather', argumentsDelta: '' });
    expect(toolDeltas.every((d) => d.index === 0)).toBe(true);
    expect(toolDeltas.length).toBeGreaterThan(2);
    expect(toolDeltas.map((d) => d.argumentsDelta).join('')).toBe(JSON.stringify({ city: 'Bergen', days: 3 }));
    expect(done.toolCalls).toEqual([{ id: 'toolu_2', name: 'get_weather', input: { city: 'Bergen', days: 3 } }]);
    expect(done.stopReason).toBe('tool_use');
  });

  it('sends tool_use and tool_result content blocks back, and an image as a base64 source', async () => {
    await env.adapter.chat(
      request({
        tools: [weather],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', mediaType: 'image/png', data: PNG_1PX },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } }],
          },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_9', content: 'rain', isError: true }] },
        ],
      }),
      signal(),
    );
    const body = env.fake.lastRequest('anthropic')?.body as { messages: unknown[] };
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1PX } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'rain', is_error: true }] },
    ]);
  });

  it('a response schema becomes a forced tool whose input is the answer, as JSON text', async () => {
    env.fake.enqueue('anthropic', { toolCalls: [{ name: 'answer', input: { n: 42 } }] });
    const res = await env.adapter.chat(request({ responseSchema: answerSchema }), signal());
    expect(res.text).toBe('{"n":42}');
    expect(res.toolCalls).toBeUndefined();
    expect(env.fake.lastRequest('anthropic')?.body).toMatchObject({
      tools: [{ name: 'answer', input_schema: answerSchema.schema }],
      tool_choice: { type: 'tool', name: 'answer' },
    });
  });

  it("stream: the schema tool's input_json_delta streams as text", async () => {
    env.fake.enqueue('anthropic', { toolCalls: [{ name: 'answer', input: { n: 7 } }] });
    const { texts, toolDeltas, done } = await drain(
      env.adapter.stream(request({ responseSchema: answerSchema }), signal()),
    );
    expect(texts.join('')).toBe('{"n":7}');
    expect(toolDeltas).toEqual([]);
    expect(done.toolCalls).toBeUndefined();
  });

  it('reasoning effort turns on extended thinking: budget inside max_tokens, no temperature, thinking kept out of the text', async () => {
    env.fake.enqueue('anthropic', {
      thinking: 'Let me think about this.',
      text: 'Four.',
      usage: { output: 50, reasoning: 30 },
    });
    const res = await env.adapter.chat(
      request({ reasoningEffort: 'medium', maxTokens: 500, temperature: 0.2 }),
      signal(),
    );
    expect(res.text).toBe('Four.');
    expect(res.usage).toMatchObject({ output_tokens: 50, reasoning_tokens: 30 });
    const body = env.fake.lastRequest('anthropic')?.body as Record<string, unknown>;
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(body.max_tokens).toBe(4596);
    expect(body.temperature).toBeUndefined();
  });

  it('a turn that replays a tool call goes without thinking, which would need the signed thinking block', async () => {
    await env.adapter.chat(
      request({
        reasoningEffort: 'high',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_1', content: 'sun' }] },
        ],
      }),
      signal(),
    );
    const body = env.fake.lastRequest('anthropic')?.body as Record<string, unknown>;
    expect(body.thinking).toBeUndefined();
    expect(body.max_tokens).toBe(256);
  });

  it('with thinking and no thinking count (as Anthropic reports it), reasoning is the output less the visible answer', async () => {
    env.fake.enqueue(
      'anthropic',
      { thinking: 'summary', text: 'Four.', usage: { output: 500 } },
      { thinking: 'summary', deltas: ['Fo', 'ur.'], usage: { output: 500 } },
      { text: 'Four.', usage: { output: 500 } },
    );
    // 'Four.' is 5 characters: 2 tokens at four characters a token.
    expect((await env.adapter.chat(request({ reasoningEffort: 'low' }), signal())).usage).toMatchObject({
      output_tokens: 500,
      reasoning_tokens: 498,
    });
    expect((await drain(env.adapter.stream(request({ reasoningEffort: 'low' }), signal()))).done.usage).toMatchObject({
      output_tokens: 500,
      reasoning_tokens: 498,
    });
    // No thinking block: nothing is estimated.
    expect((await env.adapter.chat(request(), signal())).usage.reasoning_tokens).toBe(0);
  });

  it('stream: thinking_delta and signature_delta never reach the text', async () => {
    env.fake.enqueue('anthropic', {
      thinking: 'secret reasoning',
      deltas: ['An', 'swer'],
      usage: { reasoning: 12, output: 20 },
    });
    const { texts, done } = await drain(env.adapter.stream(request({ reasoningEffort: 'low' }), signal()));
    expect(texts.join('')).toBe('Answer');
    expect(done.usage.reasoning_tokens).toBe(12);
  });
});
