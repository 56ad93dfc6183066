import { describe, expect, it } from 'vitest';
import { GeminiAdapter } from '../../../../../daemon/providers/gemini/geminiAdapter';
import { PNG_1PX } from '../../../../fixtures/images';
import { drain, request, signal, useAdapter } from '../adapterHarness';
import { weatherTool } from '../../../../fixtures/tools';

const env = useAdapter<GeminiAdapter>(
  (fake) => new GeminiAdapter({ apiKey: 'AIza-test', baseURL: fake.baseURL('gemini') }),
);
const weather = weatherTool;

interface GeminiBody {
  contents: unknown[];
  tools?: unknown;
  toolConfig?: unknown;
  generationConfig?: Record<string, unknown>;
}

describe('GeminiAdapter: tools, images, schemas and thinking through @google/genai', () => {
  it('sends functionDeclarations and toolConfig, and returns functionCall parts as tool calls with made-up ids', async () => {
    env.fake.enqueue('gemini', {
      toolCalls: [
        { name: 'get_weather', input: { city: 'Oslo' } },
        { name: 'get_weather', input: { city: 'Rome' } },
      ],
    });
    const res = await env.adapter.chat(request({ tools: [weather], toolChoice: { name: 'get_weather' } }), signal());
    expect(res.toolCalls).toEqual([
      { id: 'call_0', name: 'get_weather', input: { city: 'Oslo' } },
      { id: 'call_1', name: 'get_weather', input: { city: 'Rome' } },
    ]);
    const body = env.fake.lastRequest('gemini')?.body as GeminiBody;
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: weather.inputSchema },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
  });

  it('stream: a functionCall part becomes typed pieces and a whole call in done; an id Gemini sends is kept', async () => {
    env.fake.enqueue('gemini', {
      deltas: ['Sure. '],
      toolCalls: [{ id: 'fc-77', name: 'get_weather', input: { city: 'Bergen' } }],
    });
    const { texts, toolDeltas, done } = await drain(env.adapter.stream(request({ tools: [weather] }), signal()));
    expect(texts.join('')).toBe('Sure. ');
    expect(toolDeltas).toEqual([
      { index: 0, id: 'fc-77', name: 'get_weather', argumentsDelta: '' },
      { index: 0, argumentsDelta: '{"city":"Bergen"}' },
    ]);
    expect(done.toolCalls).toEqual([{ id: 'fc-77', name: 'get_weather', input: { city: 'Bergen' } }]);
  });

  it('sends an image as inlineData, and a tool result as a functionResponse named after its call', async () => {
    await env.adapter.chat(
      request({
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
            content: [{ type: 'tool_use', id: 'call_0', name: 'get_weather', input: { city: 'Oslo' } }],
          },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 'call_0', content: 'rain' }] },
        ],
      }),
      signal(),
    );
    const body = env.fake.lastRequest('gemini')?.body as GeminiBody;
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Look' }, { inlineData: { mimeType: 'image/png', data: PNG_1PX } }] },
      { role: 'model', parts: [{ functionCall: { id: 'call_0', name: 'get_weather', args: { city: 'Oslo' } } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { id: 'call_0', name: 'get_weather', response: { output: 'rain' } } }],
      },
    ]);
  });

  it("keeps a call's thoughtSignature and sends it back; a Gemini 3 call without one gets the skip sentinel", async () => {
    env.fake.enqueue('gemini', {
      toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' }, signature: 'c2lnLTE=' }],
    });
    const { done } = await drain(env.adapter.stream(request({ tools: [weather] }), signal()));
    expect(done.toolCalls?.[0]?.signature).toBe('c2lnLTE=');
    const replay = (model: string, signature?: string) =>
      env.adapter.chat(
        request({
          model,
          messages: [
            { role: 'user', content: 'q' },
            {
              role: 'assistant',
              content: [
                { type: 'tool_use', id: 'call_0', name: 'get_weather', input: {}, ...(signature ? { signature } : {}) },
              ],
            },
            { role: 'user', content: [{ type: 'tool_result', toolUseId: 'call_0', content: 'sun' }] },
          ],
        }),
        signal(),
      );
    const sentCall = () =>
      ((env.fake.lastRequest('gemini')?.body as GeminiBody).contents[1] as { parts: Record<string, unknown>[] })
        .parts[0];
    await replay('gemini-3.1-pro-preview', 'c2lnLTE=');
    expect(sentCall()?.thoughtSignature).toBe('c2lnLTE=');
    await replay('gemini-3.1-pro-preview');
    expect(sentCall()?.thoughtSignature).toBe('skip_thought_signature_validator');
    await replay('gemini-2.5-flash');
    expect(sentCall()?.thoughtSignature).toBeUndefined();
  });

  it('a response schema goes as responseMimeType and responseJsonSchema', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    env.fake.enqueue('gemini', { text: '{"n":3}' });
    const res = await env.adapter.chat(request({ responseSchema: { name: 'answer', schema } }), signal());
    expect(res.text).toBe('{"n":3}');
    const body = env.fake.lastRequest('gemini')?.body as GeminiBody;
    expect(body.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });

  it('reasoning effort sets thinkingConfig.thinkingBudget; thought parts stay out of the text and thoughtsTokenCount is output', async () => {
    env.fake.enqueue('gemini', { thinking: 'Hmm, thinking.', text: 'Done.', usage: { output: 10, reasoning: 90 } });
    const res = await env.adapter.chat(request({ reasoningEffort: 'high' }), signal());
    expect(res.text).toBe('Done.');
    expect(res.usage).toMatchObject({ output_tokens: 100, reasoning_tokens: 90 });
    const body = env.fake.lastRequest('gemini')?.body as GeminiBody;
    expect(body.generationConfig).toMatchObject({
      thinkingConfig: { thinkingBudget: 16384 },
      maxOutputTokens: 256 + 16384,
    });
  });

  it('stream: a thought part in the first chunk never reaches the text', async () => {
    env.fake.enqueue('gemini', { thinking: 'private', deltas: ['A', 'B'], usage: { reasoning: 5 } });
    const { texts, done } = await drain(env.adapter.stream(request({ reasoningEffort: 'low' }), signal()));
    expect(texts.join('')).toBe('AB');
    expect(done.usage.reasoning_tokens).toBe(5);
  });
});
