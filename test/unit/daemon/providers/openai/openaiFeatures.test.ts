import { describe, expect, it } from 'vitest';
import { createOpenAIAdapter } from '../../../../../daemon/providers/openai/openaiAdapter';
import { isStrictSchema } from '../../../../../daemon/providers/openai/strictSchema';
import { createOpenAICompatibleAdapter } from '../../../../../daemon/providers/openaiCompatible/openaiCompatibleAdapter';
import type { ProviderAdapter } from '../../../../../daemon/providers/types';
import { PNG_1PX } from '../../../../fixtures/images';
import { drain, request, signal, useAdapter } from '../adapterHarness';
import { weatherTool } from '../../../../fixtures/tools';

const env = useAdapter<ProviderAdapter>((fake) =>
  createOpenAIAdapter({ apiKey: 'sk-test', baseURL: fake.baseURL('openai') }),
);
const weather = weatherTool;
const strict = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };

describe('OpenAI adapter: tools, images, schemas and reasoning through the openai SDK', () => {
  it('sends function tools and tool_choice, and returns tool_calls as tool calls', async () => {
    env.fake.enqueue('openai', { toolCalls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }] });
    const res = await env.adapter.chat(request({ tools: [weather], toolChoice: 'required' }), signal());
    expect(res).toMatchObject({
      text: '',
      stopReason: 'tool_calls',
      toolCalls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }],
    });
    expect(env.fake.lastRequest('openai')?.body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather for a city', parameters: weather.inputSchema },
        },
      ],
      tool_choice: 'required',
    });
  });

  it('stream: tool_calls deltas become typed pieces with the id and name first, and whole calls in done', async () => {
    env.fake.enqueue('openai', {
      toolCalls: [
        { id: 'call_a', name: 'get_weather', input: { city: 'Bergen' } },
        { id: 'call_b', name: 'get_weather', input: { city: 'Oslo' } },
      ],
    });
    const { texts, toolDeltas, done } = await drain(env.adapter.stream(request({ tools: [weather] }), signal()));
    expect(texts).toEqual([]);
    expect(toolDeltas.filter((d) => d.id).map((d) => [d.index, d.id, d.name])).toEqual([
      [0, 'call_a', 'get_weather'],
      [1, 'call_b', 'get_weather'],
    ]);
    expect(
      toolDeltas
        .filter((d) => d.index === 1)
        .map((d) => d.argumentsDelta)
        .join(''),
    ).toBe('{"city":"Oslo"}');
    expect(done.toolCalls).toEqual([
      { id: 'call_a', name: 'get_weather', input: { city: 'Bergen' } },
      { id: 'call_b', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(done.stopReason).toBe('tool_calls');
  });

  it('sends tool calls on the assistant message, each tool result as a tool message, and an image as a data URL', async () => {
    await env.adapter.chat(
      request({
        system: 'sys',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'image', mediaType: 'image/png', data: PNG_1PX },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'call_9', name: 'get_weather', input: { city: 'Oslo' } }],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolUseId: 'call_9', content: 'rain' },
              { type: 'text', text: 'And tomorrow?' },
            ],
          },
        ],
      }),
      signal(),
    );
    const body = env.fake.lastRequest('openai')?.body as { messages: unknown[] };
    expect(body.messages).toEqual([
      { role: 'system', content: 'sys' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1PX}` } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_9', content: 'rain' },
      { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ]);
  });

  it('a response schema goes as response_format json_schema, strict only when the schema allows it', async () => {
    await env.adapter.chat(request({ responseSchema: { name: 'answer', schema: strict } }), signal());
    expect(env.fake.lastRequest('openai')?.body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: strict, strict: true } },
    });
    const loose = { type: 'object', properties: { n: { type: 'integer' }, note: { type: 'string' } }, required: ['n'] };
    await env.adapter.chat(request({ responseSchema: { name: 'answer', schema: loose } }), signal());
    expect(env.fake.lastRequest('openai')?.body).toMatchObject({ response_format: { json_schema: { strict: false } } });
    expect(
      isStrictSchema({
        type: 'object',
        properties: { a: { type: 'object', properties: { b: { type: 'string' } } } },
        required: ['a'],
        additionalProperties: false,
      }),
    ).toBe(false);
  });

  it('reasoning effort goes as reasoning_effort without temperature, and reasoning_tokens come back', async () => {
    env.fake.enqueue('openai', { text: 'ok', usage: { output: 40, reasoning: 25 } });
    const res = await env.adapter.chat(request({ reasoningEffort: 'high', temperature: 0.5 }), signal());
    const body = env.fake.lastRequest('openai')?.body as Record<string, unknown>;
    expect(body.reasoning_effort).toBe('high');
    // Reasoning counts against max_completion_tokens: the effort's budget comes on top of the answer's 256.
    expect(body.max_completion_tokens).toBe(256 + 16_384);
    expect(body.temperature).toBeUndefined();
    expect(res.usage).toMatchObject({ output_tokens: 40, reasoning_tokens: 25 });
  });

  it('an OpenAI-compatible server gets no reasoning_effort, which many do not know', async () => {
    const compat = createOpenAICompatibleAdapter({ apiKey: '', baseURL: env.fake.baseURL('openai', '/compat') });
    await compat.chat(request({ reasoningEffort: 'low', temperature: 0.5 }), signal());
    const body = env.fake.lastRequest('openai')?.body as Record<string, unknown>;
    expect(body.reasoning_effort).toBeUndefined();
    expect(body.temperature).toBe(0.5);
  });
});
