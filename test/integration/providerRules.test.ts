import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../daemon/ratelimit/rateLimiter';
import { ConduitError, type ChatChunk, type ChatRequest, type ChatResult, type ProviderId } from '../../protocol';
import type { WireProvider } from '../fakes/script';
import { personSchema, weatherTool } from '../fixtures/tools';
import { chatOnce, useDaemonAndFake } from './harness';

/**
 * Each provider and model family as it documents itself, through the real daemon and SDKs. The
 * fake answers 400 with the provider's own error body to whatever its documented rules refuse
 * (test/fakes/requestRules.ts), so a request Conduit shapes wrongly fails here.
 */
const AZURE_KEY = 'azure-FAKE-rules-key-000000000000';
const listSchema = { type: 'array', items: { type: 'string' } };
type Body = Record<string, unknown>;

describe('provider rules per model family, through the real daemon', () => {
  const env = useDaemonAndFake({ config: { cache: { enabled: false }, resilience: { maxAttempts: 1 } } });
  beforeAll(() => {
    Object.assign(env.h.env, { AZURE_OPENAI_ENDPOINT: env.fake.baseURL('azure'), AZURE_OPENAI_API_KEY: AZURE_KEY });
  });

  const chat = (request: ChatRequest, chunks?: ChatChunk[]): Promise<ChatResult> => chatOnce(env.h, request, chunks);
  async function refusal(request: ChatRequest): Promise<ConduitError> {
    const err = await chat(request).catch((e: unknown) => e);
    expect(err, String(err)).toBeInstanceOf(ConduitError);
    return err as ConduitError;
  }
  const sent = (provider: WireProvider): Body => env.fake.lastRequest(provider)?.body as Body;
  const ask = (provider: ProviderId, model: string, over: Partial<ChatRequest> = {}): ChatRequest => ({
    provider,
    model,
    max_tokens: 64,
    messages: [{ role: 'user', content: 'q' }],
    ...over,
  });
  /** 460k Japanese characters: ~115k tokens at four characters a token, ~460k in fact. */
  const japanese = 'あ'.repeat(460_000);

  describe('Anthropic, Claude 5 (adaptive thinking only, no sampling parameters)', () => {
    const model = 'claude-haiku-5-5';

    it("--effort high: the key's real limits are learned first, then adaptive thinking with output_config.effort", async () => {
      // The tier-1 preset allows 8,000 output tokens a minute, less than --effort high needs: before
      // refusing, the daemon asks with a one-token request, whose headers state 80,000 (the fake's).
      env.fake.enqueue('anthropic', { text: 'p' }, { text: 'thought it through' });
      const result = await chat(ask('anthropic', model, { reasoningEffort: 'high' }));
      expect(result.text).toBe('thought it through');
      const [probe, real] = env.fake.requests.map((r) => r.body as Body);
      expect(probe).toMatchObject({ model, max_tokens: 1 });
      expect(real).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
      expect(JSON.stringify(real)).not.toContain('budget_tokens');
      // Kept per hashed key under CONDUIT_HOME: the next request goes without asking again.
      const saved = fs.readFileSync(path.join(env.h.home, 'ratelimit', 'learned-limits.json'), 'utf8');
      expect(JSON.parse(saved)).toMatchObject({
        [`anthropic:${keyIdOf(env.fake.requests[0]!.apiKey!)}`]: { otpm: 80_000, itpm: 400_000 },
      });
      expect(saved).not.toContain(env.fake.requests[0]!.apiKey!);
      env.fake.enqueue('anthropic', { text: 'again' });
      await chat(ask('anthropic', model, { reasoningEffort: 'high' }));
      expect(env.fake.requests).toHaveLength(3);
    });

    it('a temperature is dropped, and the result says so', async () => {
      env.fake.enqueue('anthropic', { text: 'ok' });
      const result = await chat(ask('anthropic', model, { temperature: 0.5 }));
      expect(sent('anthropic').temperature).toBeUndefined();
      expect(result.adjusted).toEqual([
        expect.stringMatching(/^temperature 0.5 dropped: claude-haiku-5-5 takes no sampling parameters/),
      ]);
    });

    it('structured output goes as output_config.format; an array root is wrapped and unwrapped', async () => {
      env.fake.enqueue('anthropic', { text: '{"name":"Ada","age":36}' });
      const obj = await chat(ask('anthropic', model, { responseSchema: { name: 'person', schema: personSchema } }));
      expect(obj.structured).toEqual({ name: 'Ada', age: 36 });
      expect(sent('anthropic')).toMatchObject({
        output_config: { format: { type: 'json_schema', schema: personSchema } },
      });
      expect(sent('anthropic').tools).toBeUndefined();

      env.fake.enqueue('anthropic', { deltas: ['{"items": ["a",', ' "b"]', '}'] });
      const chunks: ChatChunk[] = [];
      const list = await chat(
        ask('anthropic', model, { stream: true, responseSchema: { name: 'names', schema: listSchema } }),
        chunks,
      );
      expect(list.structured).toEqual(['a', 'b']);
      expect(JSON.parse(chunks.map((c) => c.delta).join(''))).toEqual(['a', 'b']);
      expect(sent('anthropic')).toMatchObject({
        output_config: {
          format: { schema: { type: 'object', properties: { items: listSchema }, required: ['items'] } },
        },
      });
      expect(list.adjusted?.[0]).toMatch(/wrapped|inside an object/);
    });

    it('streamed tool calls after a text block are numbered from 0', async () => {
      env.fake.enqueue('anthropic', {
        deltas: ['Checking both. '],
        toolCalls: [
          { id: 'toolu_a', name: 'get_weather', input: { city: 'Oslo' } },
          { id: 'toolu_b', name: 'get_weather', input: { city: 'Rome' } },
        ],
      });
      const chunks: ChatChunk[] = [];
      const result = await chat(ask('anthropic', model, { stream: true, tools: [weatherTool] }), chunks);
      expect(result.toolCalls?.map((c) => c.id)).toEqual(['toolu_a', 'toolu_b']);
      const starts = chunks.flatMap((c) => (c.toolCall?.id ? [[c.toolCall.index, c.toolCall.id]] : []));
      expect(starts).toEqual([
        [0, 'toolu_a'],
        [1, 'toolu_b'],
      ]);
    });

    it('a CJK prompt over the window is refused before sending', async () => {
      const err = await refusal(ask('anthropic', model, { messages: [{ role: 'user', content: japanese }] }));
      expect(err.code).toBe('too_large');
      expect(err.message).toContain("claude-haiku-5-5's context window of 1,000,000");
      expect(env.fake.requests).toHaveLength(0);
    });
  });

  describe('Anthropic, Claude 4.5 (a thinking budget, native structured output)', () => {
    const model = 'claude-sonnet-4-5';

    it('--effort: thinking enabled with a budget below max_tokens; a temperature goes only without thinking', async () => {
      env.fake.enqueue('anthropic', { text: 'ok' }, { text: 'ok' });
      const thinking = await chat(ask('anthropic', model, { reasoningEffort: 'low', temperature: 0.2 }));
      expect(sent('anthropic')).toMatchObject({
        thinking: { type: 'enabled', budget_tokens: 1024 },
        max_tokens: 64 + 1024,
      });
      expect(sent('anthropic').temperature).toBeUndefined();
      expect(thinking.adjusted).toEqual([expect.stringContaining('takes no temperature while thinking')]);
      const plain = await chat(ask('anthropic', model, { temperature: 0.2 }));
      expect(sent('anthropic').temperature).toBe(0.2);
      expect(plain.adjusted).toBeUndefined();
    });

    it('structured output goes as output_config.format (GA for Claude 4.5), with thinking too; an array root is wrapped', async () => {
      env.fake.enqueue('anthropic', { text: '{"items": ["x", "y"]}' }, { text: '{"name":"Ada","age":36}' });
      const result = await chat(ask('anthropic', model, { responseSchema: { name: 'names', schema: listSchema } }));
      expect(result.structured).toEqual(['x', 'y']);
      expect(sent('anthropic')).toMatchObject({
        output_config: {
          format: { type: 'json_schema', schema: { type: 'object', properties: { items: listSchema } } },
        },
      });
      expect(sent('anthropic').tools).toBeUndefined();
      expect(sent('anthropic').tool_choice).toBeUndefined();
      // A forced tool cannot go with thinking; the native format can.
      const thinking = await chat(
        ask('anthropic', model, { reasoningEffort: 'low', responseSchema: { name: 'person', schema: personSchema } }),
      );
      expect(thinking.structured).toEqual({ name: 'Ada', age: 36 });
      expect(sent('anthropic')).toMatchObject({
        thinking: { type: 'enabled' },
        output_config: { format: { type: 'json_schema', schema: personSchema } },
      });
    });

    it('an older model (Claude Opus 4.1) gets the forced tool; the fake refuses output_config.format there', async () => {
      env.fake.enqueue('anthropic', { toolCalls: [{ id: 'toolu_1', name: 'names', input: { items: ['x', 'y'] } }] });
      const result = await chat(
        ask('anthropic', 'claude-opus-4-1', { responseSchema: { name: 'names', schema: listSchema } }),
      );
      expect(result.structured).toEqual(['x', 'y']);
      expect(sent('anthropic')).toMatchObject({
        tool_choice: { type: 'tool', name: 'names' },
        tools: [{ name: 'names', input_schema: { type: 'object' } }],
      });
      expect(sent('anthropic').output_config).toBeUndefined();
    });

    it('460k Japanese characters are refused for its 200k window, though four characters a token would call them 115k', async () => {
      const err = await refusal(ask('anthropic', model, { messages: [{ role: 'user', content: japanese }] }));
      expect(err.message).toContain("claude-sonnet-4-5's context window of 200,000");
      expect(env.fake.requests).toHaveLength(0);
    });
  });

  describe('OpenAI, GPT-5 (only the default temperature, 272k of input in a 400k window)', () => {
    it('--temperature is dropped with a note, --effort goes as reasoning_effort', async () => {
      env.fake.enqueue('openai', { text: 'ok' });
      const result = await chat(ask('openai', 'gpt-5', { temperature: 0.5, reasoningEffort: 'medium' }));
      expect(sent('openai')).toMatchObject({ reasoning_effort: 'medium', max_completion_tokens: 64 + 4096 });
      expect(sent('openai').temperature).toBeUndefined();
      expect(result.adjusted).toEqual([expect.stringContaining('gpt-5 takes only the default temperature')]);
    });

    it('an array root is wrapped for strict json_schema, and the answer unwrapped', async () => {
      env.fake.enqueue('openai', { text: '{"items":["p","q"]}' });
      const result = await chat(ask('openai', 'gpt-5', { responseSchema: { name: 'names', schema: listSchema } }));
      expect(result.structured).toEqual(['p', 'q']);
      expect(sent('openai').response_format).toEqual({
        type: 'json_schema',
        json_schema: {
          name: 'names',
          strict: true,
          schema: {
            type: 'object',
            properties: { items: listSchema },
            required: ['items'],
            additionalProperties: false,
          },
        },
      });
    });

    it('streamed tool calls are numbered from 0', async () => {
      env.fake.enqueue('openai', {
        deltas: ['Looking. '],
        toolCalls: [{ id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } }],
      });
      const chunks: ChatChunk[] = [];
      await chat(ask('openai', 'gpt-5', { stream: true, tools: [weatherTool] }), chunks);
      expect(chunks.find((c) => c.toolCall?.id)?.toolCall).toMatchObject({ index: 0, id: 'call_a' });
    });

    it('a prompt over the 272k input limit is refused though it is under the 400k window', async () => {
      const err = await refusal(
        ask('openai', 'gpt-5', { messages: [{ role: 'user', content: 'あ'.repeat(100_000) }] }),
      );
      expect(err.message).toContain("gpt-5's input limit of 272,000 (its context window of 400,000");
      expect(env.fake.requests).toHaveLength(0);
    });
  });

  describe('Anthropic, Claude 4.6 (adaptive thinking, a temperature only without it)', () => {
    it('--effort: adaptive thinking, and the temperature dropped; without an effort the temperature goes', async () => {
      env.fake.enqueue('anthropic', { text: 'ok' }, { text: 'ok' });
      await chat(ask('anthropic', 'claude-sonnet-4-6', { reasoningEffort: 'medium', temperature: 0.3 }));
      expect(sent('anthropic')).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } });
      expect(sent('anthropic').temperature).toBeUndefined();
      await chat(ask('anthropic', 'claude-sonnet-4-6', { temperature: 0.3 }));
      expect(sent('anthropic')).toMatchObject({ temperature: 0.3 });
      expect(sent('anthropic').thinking).toBeUndefined();
    });
  });

  describe('the CLI shows what was adjusted', () => {
    it('conduit ask --model gpt-5 --temperature 0.5 answers, with a note that the temperature was dropped', async () => {
      env.fake.enqueue('openai', { text: 'fine' });
      const r = await env.h.cli([
        'ask',
        '--provider',
        'openai',
        '--model',
        'gpt-5',
        '--temperature',
        '0.5',
        '--no-stream',
        'q',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('fine');
      expect(r.stderr).toContain('conduit: note: temperature 0.5 dropped: gpt-5 takes only the default temperature');
    });
  });

  describe('OpenAI, GPT-5.4 (a temperature only at reasoning effort "none")', () => {
    it('a temperature alone goes with reasoning_effort "none"; with an effort it is dropped', async () => {
      env.fake.enqueue('openai', { text: 'ok' }, { text: 'ok' });
      const plain = await chat(ask('openai', 'gpt-5.4-mini', { temperature: 0.3 }));
      expect(sent('openai')).toMatchObject({ temperature: 0.3, reasoning_effort: 'none' });
      expect(plain.adjusted).toBeUndefined();
      const reasoning = await chat(ask('openai', 'gpt-5.4-mini', { temperature: 0.3, reasoningEffort: 'high' }));
      expect(sent('openai')).toMatchObject({ reasoning_effort: 'high' });
      expect(sent('openai').temperature).toBeUndefined();
      expect(reasoning.adjusted?.[0]).toContain('only with reasoning effort "none"');
    });
  });

  describe('Azure OpenAI inherits the row of the model its deployment serves', () => {
    it("--effort reaches Azure as reasoning_effort, and gpt-5's temperature is dropped there too", async () => {
      env.fake.enqueue('azure', { text: 'ok' });
      const result = await chat(ask('azureOpenai', 'gpt-5', { temperature: 0.5, reasoningEffort: 'low' }));
      expect(env.fake.lastRequest('azure')?.path).toBe('/openai/deployments/gpt-5/chat/completions');
      expect(sent('azure')).toMatchObject({ reasoning_effort: 'low' });
      expect(sent('azure').temperature).toBeUndefined();
      expect(result.adjusted).toHaveLength(1);
    });
  });

  describe('Gemini 3 (thinkingLevel) and 2.5 (thinkingBudget)', () => {
    it('--effort: thinkingLevel on Gemini 3.8 Flash, thinkingBudget on 2.5 Flash', async () => {
      env.fake.enqueue('gemini', { text: 'ok' }, { text: 'ok' });
      await chat(ask('gemini', 'gemini-3.8-flash', { reasoningEffort: 'medium' }));
      expect((sent('gemini').generationConfig as Body).thinkingConfig).toEqual({ thinkingLevel: 'MEDIUM' });
      await chat(ask('gemini', 'gemini-2.5-flash', { reasoningEffort: 'medium' }));
      expect((sent('gemini').generationConfig as Body).thinkingConfig).toEqual({ thinkingBudget: 4096 });
    });

    it('responseJsonSchema takes an array root as it is; a temperature is kept', async () => {
      env.fake.enqueue('gemini', { text: '["m","n"]' });
      const result = await chat(
        ask('gemini', 'gemini-3.8-flash', { temperature: 0.4, responseSchema: { name: 'names', schema: listSchema } }),
      );
      expect(result.structured).toEqual(['m', 'n']);
      expect(sent('gemini').generationConfig).toMatchObject({
        temperature: 0.4,
        responseMimeType: 'application/json',
        responseJsonSchema: listSchema,
      });
      expect(result.adjusted).toBeUndefined();
    });

    it('max_tokens above the 65,536 output limit is lowered, not refused; streamed tool calls from 0', async () => {
      env.fake.enqueue('gemini', {
        deltas: ['Looking. '],
        toolCalls: [{ id: 'c1', name: 'get_weather', input: { city: 'Oslo' } }],
      });
      const chunks: ChatChunk[] = [];
      const result = await chat(
        ask('gemini', 'gemini-2.5-flash', { stream: true, max_tokens: 100_000, tools: [weatherTool] }),
        chunks,
      );
      expect((sent('gemini').generationConfig as Body).maxOutputTokens).toBe(65_536);
      expect(result.adjusted).toEqual(["max_tokens 100000 lowered to 65536, gemini-2.5-flash's most output"]);
      expect(chunks.find((c) => c.toolCall?.id)?.toolCall).toMatchObject({ index: 0, name: 'get_weather' });
    });

    it("460k Japanese characters fit Gemini's 1,048,576 input limit only if counted wrongly: refused", async () => {
      const err = await refusal(ask('gemini', 'gemini-3.8-flash', { messages: [{ role: 'user', content: japanese }] }));
      expect(err.message).toContain("gemini-3.8-flash's input limit of 1,048,576");
      expect(env.fake.requests).toHaveLength(0);
    });
  });

  describe('the fake refuses what the real APIs refuse, with their error bodies', () => {
    it('Anthropic: a manual thinking budget on Claude 5; OpenAI: an array root, and a temperature on gpt-5', async () => {
      const anthropic = new Anthropic({
        apiKey: 'sk-ant-FAKE-rules',
        baseURL: env.fake.baseURL('anthropic'),
        maxRetries: 0,
      });
      const a = await anthropic.messages
        .create({
          model: 'claude-opus-5-5',
          max_tokens: 4096,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          messages: [{ role: 'user', content: 'q' }],
        })
        .catch((e: unknown) => e);
      expect(a).toBeInstanceOf(Anthropic.BadRequestError);
      expect((a as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('adaptive') },
      });

      const openai = new OpenAI({ apiKey: 'sk-FAKE-rules', baseURL: env.fake.baseURL('openai'), maxRetries: 0 });
      const schema = await openai.chat.completions
        .create({
          model: 'gpt-5.4',
          messages: [{ role: 'user', content: 'q' }],
          response_format: { type: 'json_schema', json_schema: { name: 'names', schema: listSchema, strict: true } },
        })
        .catch((e: unknown) => e);
      expect(schema).toBeInstanceOf(OpenAI.BadRequestError);
      expect((schema as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_json_schema');
      const temperature = await openai.chat.completions
        .create({ model: 'gpt-5-mini', temperature: 0.5, messages: [{ role: 'user', content: 'q' }] })
        .catch((e: unknown) => e);
      expect((temperature as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
    });
  });
});
