import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatChunk, ChatRequest, ChatResult } from '../../protocol';
import { ConduitError } from '../../protocol';
import { writeGoogleAdc, type GoogleAdcFiles } from '../fakes/googleAdc';
import type { ScriptedResponse } from '../fakes/script';
import { personSchema, weatherTool } from '../fixtures/tools';
import { chatOnce, useDaemonAndFake } from './harness';
import { FAMILIES, at, shapeOf, type Body, type Family, type Sent } from './providerMatrixFamilies';

/**
 * Issue 26's matrix: every model family of the capability table × effort, structured output
 * (object and array roots), temperature, streamed tools after a text block, and a CJK prompt
 * over the model's limit. One daemon serves every provider; the fake answers 400 with the
 * provider's error body to whatever its documented rules refuse (test/fakes/requestRules.ts),
 * so each case checks both what reached the provider and what the client got.
 */
const listSchema = { type: 'array', items: { type: 'string' } };
const wrappedList = { type: 'object', properties: { items: listSchema }, required: ['items'] };

describe('provider × model family matrix, through the real daemon', () => {
  const env = useDaemonAndFake({
    config: {
      cache: { enabled: false },
      // Above every prompt here, so the model's own limit is what refuses the CJK ones.
      maxPromptChars: 4_000_000,
      resilience: { maxAttempts: 1 },
      providers: {
        anthropicBedrock: { region: 'us-east-1' },
        anthropicVertex: { project: 'conduit-test', location: 'us-east5' },
        geminiVertex: { project: 'conduit-test', location: 'global' },
      },
    },
  });
  let adc: GoogleAdcFiles;
  beforeAll(() => {
    adc = writeGoogleAdc(env.fake.googleTokenURL);
    Object.assign(env.h.env, {
      ANTHROPIC_BEDROCK_BASE_URL: env.fake.baseURL('bedrock'),
      AWS_ACCESS_KEY_ID: 'AKIAFAKEMATRIX000001',
      AWS_SECRET_ACCESS_KEY: 'aws-FAKE-matrix-secret-00000000000000000',
      AWS_EC2_METADATA_DISABLED: 'true',
      ANTHROPIC_VERTEX_BASE_URL: env.fake.baseURL('vertexAnthropic'),
      GOOGLE_VERTEX_BASE_URL: env.fake.baseURL('vertexGemini'),
      GOOGLE_APPLICATION_CREDENTIALS: adc.credentialsFile,
      AZURE_OPENAI_ENDPOINT: env.fake.baseURL('azure'),
      AZURE_OPENAI_API_KEY: 'azure-FAKE-matrix-key-000000000000',
    });
    for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'OPENAI_API_VERSION'])
      delete env.h.env[k];
  });
  afterAll(() => fs.rmSync(adc.dir, { recursive: true, force: true }));

  const chat = (request: ChatRequest, chunks?: ChatChunk[]): Promise<ChatResult> => chatOnce(env.h, request, chunks);
  const ask = (f: Family, over: Partial<ChatRequest> = {}): ChatRequest => ({
    provider: f.provider,
    model: f.model,
    max_tokens: 64,
    messages: [{ role: 'user', content: 'q' }],
    ...over,
  });
  /**
   * The answer for every request to the family's wire in this case: a default, not a queue, so a
   * one-token request that learns the key's real limits first does not take the case's answer.
   */
  const answer = (f: Family, script: ScriptedResponse) => env.fake.setDefault(f.wire, script);
  const sent = (f: Family): Body => {
    const last = env.fake.lastRequest(f.wire);
    expect(last, `no ${f.wire} request`).toBeDefined();
    return last!.body as Body;
  };
  function expectSent(f: Family, result: ChatResult, want: Sent): void {
    const body = sent(f);
    if (want.sent) expect(body).toMatchObject(want.sent);
    for (const p of want.absent ?? []) expect(at(body, p), p).toBeUndefined();
    if (want.note) expect(result.adjusted).toEqual([expect.stringMatching(want.note)]);
    else expect(result.adjusted).toBeUndefined();
  }

  /** The request form of structured output, by the family's documented mechanism. */
  function structuredForm(f: Family, name: string, schema: Body): Body {
    switch (f.structured) {
      case 'anthropicFormat':
        return { output_config: { format: { type: 'json_schema', schema } } };
      case 'anthropicTool':
        return { tool_choice: { type: 'tool', name }, tools: [{ name, input_schema: schema }] };
      case 'openaiJsonSchema':
        return { response_format: { type: 'json_schema', json_schema: { name, strict: true, schema } } };
      case 'geminiSchema':
        return { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema } };
    }
  }
  /** The provider's answer holding `value`: a forced tool's input, or the text. */
  const structuredAnswer = (f: Family, name: string, value: unknown): ScriptedResponse =>
    f.structured === 'anthropicTool'
      ? { toolCalls: [{ id: 'toolu_s', name, input: value as Record<string, unknown> }] }
      : { text: JSON.stringify(value) };
  const objectRootOnly = (f: Family) => f.structured !== 'geminiSchema';

  /** The tool as each wire declares it. */
  function toolForm(f: Family): Body {
    switch (shapeOf(f.wire)) {
      case 'anthropic':
        return { tools: [{ name: 'get_weather', input_schema: weatherTool.inputSchema }] };
      case 'openai':
        return { tools: [{ type: 'function', function: { name: 'get_weather' } }] };
      case 'gemini':
        return { tools: [{ functionDeclarations: [{ name: 'get_weather' }] }] };
    }
  }

  describe.each(FAMILIES.map((f) => [`${f.family} (${f.model})`, f] as const))('%s', (_name, f) => {
    it('--effort medium takes the documented form', async () => {
      answer(f, { text: 'thought' });
      const result = await chat(ask(f, { reasoningEffort: 'medium' }));
      expect(result.text).toBe('thought');
      expectSent(f, result, f.effort);
    });

    it('structured output, object root, by the documented mechanism', async () => {
      const person = { name: 'Ada', age: 36 };
      answer(f, structuredAnswer(f, 'person', person));
      const result = await chat(ask(f, { responseSchema: { name: 'person', schema: personSchema } }));
      expect(result.structured).toEqual(person);
      expect(sent(f)).toMatchObject(structuredForm(f, 'person', personSchema));
      expect(result.adjusted).toBeUndefined();
    });

    it('structured output, array root: wrapped where the provider takes only objects, unwrapped in the answer', async () => {
      const names = ['a', 'b'];
      const wrapped = objectRootOnly(f);
      answer(f, structuredAnswer(f, 'names', wrapped ? { items: names } : names));
      const result = await chat(ask(f, { responseSchema: { name: 'names', schema: listSchema } }));
      expect(result.structured).toEqual(names);
      expect(sent(f)).toMatchObject(structuredForm(f, 'names', wrapped ? wrappedList : listSchema));
      if (wrapped) expect(result.adjusted).toEqual([expect.stringContaining('sent inside an object as "items"')]);
      else expect(result.adjusted).toBeUndefined();
    });

    it('--temperature 0.5 goes where documented, else is dropped with a note', async () => {
      answer(f, { text: 'warm' });
      const result = await chat(ask(f, { temperature: 0.5 }));
      expect(result.text).toBe('warm');
      expectSent(f, result, f.temperature);
    });

    it('streamed tool calls after a text block are numbered from 0', async () => {
      answer(f, {
        deltas: ['Checking both. '],
        toolCalls: [
          { id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
          { id: 'call_b', name: 'get_weather', input: { city: 'Rome' } },
        ],
      });
      const chunks: ChatChunk[] = [];
      const result = await chat(ask(f, { stream: true, tools: [weatherTool] }), chunks);
      expect(sent(f)).toMatchObject(toolForm(f));
      expect(chunks.map((c) => c.delta).join('')).toBe('Checking both. ');
      expect(result.toolCalls?.map((c) => c.input)).toEqual([{ city: 'Oslo' }, { city: 'Rome' }]);
      // A call's first chunk names it; its index is its place among the calls, from 0.
      const starts = chunks.flatMap((c) => (c.toolCall?.name ? [c.toolCall.index] : []));
      expect(starts).toEqual([0, 1]);
    });

    it('a CJK prompt over the limit is refused before sending', async () => {
      // A Japanese character is about a token: more characters than the limit is truly over it,
      // though four characters a token would call it a quarter of that.
      const text = 'あ'.repeat(f.limit.tokens + 10_000);
      const err = await chat(ask(f, { messages: [{ role: 'user', content: text }] })).catch((e: unknown) => e);
      expect(err, String(err)).toBeInstanceOf(ConduitError);
      expect((err as ConduitError).code).toBe('too_large');
      expect((err as ConduitError).message).toContain(f.limit.says);
      expect(env.fake.requests).toHaveLength(0);
    });
  });
});
