import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConduitError, type ChatChunk, type ChatRequest, type ChatResult, type ProviderId } from '../../protocol';
import type { WireProvider } from '../fakes/script';
import { chatOnce, useDaemonAndFake } from './harness';
import { endpointToken, freePort, writeConfig } from './localEndpointHelpers';

/**
 * Stop sequences end to end: the canonical `stop` reaches each provider in its documented field,
 * the fake cuts its answer there as the real API does, and the local endpoint's OpenAI and
 * Anthropic faces pass them on and report the end in their own words.
 */
const AZURE_KEY = 'azure-FAKE-stop-key-000000000000';
const ANSWER = 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n';
type Body = Record<string, unknown>;

describe('stop sequences through the real daemon', () => {
  const env = useDaemonAndFake({ resetEachTest: true });
  let port = 0;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    Object.assign(env.h.env, { AZURE_OPENAI_ENDPOINT: env.fake.baseURL('azure'), AZURE_OPENAI_API_KEY: AZURE_KEY });
    port = await freePort();
    writeConfig(env.h, {
      server: { enabled: true, port },
      rateLimit: { enabled: false },
      resilience: { maxAttempts: 1 },
      cache: { semantic: { enabled: false } },
    });
    (await env.h.connect()).close();
    const token = endpointToken(env.h);
    openai = new OpenAI({ apiKey: token, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: token, baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });

  const chat = (request: ChatRequest, chunks?: ChatChunk[]): Promise<ChatResult> => chatOnce(env.h, request, chunks);
  const sent = (provider: WireProvider): Body => env.fake.lastRequest(provider)?.body as Body;
  const ask = (provider: ProviderId, model: string, over: Partial<ChatRequest> = {}): ChatRequest => ({
    provider,
    model,
    max_tokens: 64,
    messages: [{ role: 'user', content: `write add and sub (${provider} ${model})` }],
    stop: ['\n\n\n'],
    ...over,
  });

  describe('IPC, per provider (streamed and not)', () => {
    const cases: { provider: ProviderId; wire: WireProvider; model: string; field: (b: Body) => unknown }[] = [
      { provider: 'anthropic', wire: 'anthropic', model: 'claude-haiku-5-5', field: (b) => b.stop_sequences },
      { provider: 'openai', wire: 'openai', model: 'gpt-4.1-mini', field: (b) => b.stop },
      { provider: 'azureOpenai', wire: 'azure', model: 'gpt-4.1-mini', field: (b) => b.stop },
      {
        provider: 'gemini',
        wire: 'gemini',
        model: 'gemini-2.5-flash',
        field: (b) => (b.generationConfig as Body | undefined)?.stopSequences,
      },
    ];
    for (const c of cases) {
      for (const stream of [false, true]) {
        it(`${c.provider} ${stream ? 'streamed' : 'whole'}: sent as documented, the answer ends before the sequence`, async () => {
          env.fake.enqueue(c.wire, { text: ANSWER, chunks: 7 });
          const chunks: ChatChunk[] = [];
          const result = await chat(ask(c.provider, c.model, { stream }), stream ? chunks : undefined);
          expect(c.field(sent(c.wire))).toEqual(['\n\n\n']);
          expect(result.text).toBe('def add(a, b):\n    return a + b');
          if (stream) expect(chunks.map((k) => k.delta).join('')).toBe(result.text);
          if (c.wire === 'anthropic') {
            expect(result.stopReason).toBe('stop_sequence');
            expect(result.stopSequence).toBe('\n\n\n');
          } else {
            expect(result.stopReason).toBe(c.wire === 'gemini' ? 'STOP' : 'stop');
          }
        });
      }
    }

    it('gpt-5 takes no stop: it is dropped before sending, and the result says so', async () => {
      env.fake.enqueue('openai', { text: 'ok' });
      const result = await chat(ask('openai', 'gpt-5-mini'));
      expect(sent('openai').stop).toBeUndefined();
      expect(result.adjusted).toEqual([expect.stringMatching(/^stop sequences dropped: gpt-5-mini takes no stop/)]);
    });

    it('gpt-5.4: stop goes with reasoning_effort "none"; with an effort it is dropped', async () => {
      env.fake.enqueue('openai', { text: 'ok' }, { text: 'ok' });
      await chat(ask('openai', 'gpt-5.4-mini'));
      expect(sent('openai')).toMatchObject({ stop: ['\n\n\n'], reasoning_effort: 'none' });
      const result = await chat(ask('openai', 'gpt-5.4-mini', { reasoningEffort: 'low' }));
      expect(sent('openai').stop).toBeUndefined();
      expect(result.adjusted?.join(' ')).toMatch(/stop sequences dropped: gpt-5.4-mini takes stop sequences only/);
    });

    it("more stop sequences than the model's most is refused before sending (OpenAI 4, Gemini 5)", async () => {
      const five = ['#1', '#2', '#3', '#4', '#5'];
      const err = await chat(ask('openai', 'gpt-4.1-mini', { stop: five })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConduitError);
      expect((err as ConduitError).message).toMatch(/5 stop sequences given; gpt-4.1-mini takes at most 4/);
      expect(env.fake.requestsFor('openai')).toHaveLength(0);
      env.fake.enqueue('gemini', { text: 'fine' });
      expect((await chat(ask('gemini', 'gemini-2.5-flash', { stop: five }))).text).toBe('fine');
      const six = await chat(ask('gemini', 'gemini-2.5-flash', { stop: [...five, '#6'] })).catch((e: unknown) => e);
      expect((six as ConduitError).message).toMatch(/takes at most 5/);
      expect(env.fake.requestsFor('gemini')).toHaveLength(1);
    });

    it('an empty sequence or more than 16 is refused as malformed, saying which', async () => {
      const empty = await chat(ask('openai', 'gpt-4.1-mini', { stop: [''] })).catch((e: unknown) => e);
      expect((empty as ConduitError).code).toBe('bad_request');
      expect((empty as ConduitError).message).toMatch(/stop\.0: a stop sequence may not be empty/);
      const many = Array.from({ length: 17 }, (_, i) => `s${i}`);
      const over = await chat(ask('anthropic', 'claude-haiku-5-5', { stop: many })).catch((e: unknown) => e);
      expect((over as ConduitError).message).toMatch(/stop: at most 16 stop sequences/);
      expect(env.fake.requests).toHaveLength(0);
    });
  });

  describe('conduit ask --stop, per provider', () => {
    const cli: { provider: ProviderId; wire: WireProvider; model: string }[] = [
      { provider: 'anthropic', wire: 'anthropic', model: 'claude-haiku-4-5' },
      { provider: 'openai', wire: 'openai', model: 'gpt-4.1-mini' },
      { provider: 'gemini', wire: 'gemini', model: 'gemini-2.5-flash' },
      { provider: 'openaiCompatible', wire: 'openai', model: 'llama3.1' },
    ];
    for (const c of cli) {
      it(`${c.provider}: repeatable --stop reaches the provider and cuts the printed answer`, async () => {
        env.fake.enqueue(c.wire, { text: 'alpha END beta STOP gamma', chunks: 4 });
        const r = await env.h.cli([
          'ask',
          ...['--provider', c.provider, '--model', c.model],
          ...['--stop', 'STOP', '--stop', 'END'],
          `cli stop ${c.provider}`,
        ]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.trim()).toBe('alpha');
        const body = sent(c.wire);
        const field =
          c.wire === 'anthropic'
            ? body.stop_sequences
            : c.wire === 'gemini'
              ? (body.generationConfig as Body).stopSequences
              : body.stop;
        expect(field).toEqual(['STOP', 'END']);
      });
    }
  });

  describe('the exact cache', () => {
    it('a different stop list misses; the same one hits', async () => {
      env.fake.enqueue('anthropic', { text: 'one\ntwo\nthree' }, { text: 'one\ntwo\nthree' });
      const base = ask('anthropic', 'claude-haiku-4-5', { temperature: 0, stop: ['\n'] });
      const first = await chat(base);
      expect(first).toMatchObject({ text: 'one', cache: 'none' });
      const other = await chat({ ...base, stop: ['three'] });
      expect(other).toMatchObject({ text: 'one\ntwo\n', cache: 'none' });
      const again = await chat(base);
      expect(again).toMatchObject({ text: 'one', cache: 'exact' });
      expect(env.fake.requestsFor('anthropic')).toHaveLength(2);
    });

    it('a hit names the stop sequence the answer ended at, as the call did (whole, streamed, endpoint)', async () => {
      env.fake.enqueue('anthropic', { text: ANSWER });
      const base = ask('anthropic', 'claude-haiku-4-5', { temperature: 0, stop: ['def sub', '\n\n\n'] });
      const first = await chat(base);
      expect(first).toMatchObject({ cache: 'none', stopReason: 'stop_sequence', stopSequence: '\n\n\n' });
      const again = await chat(base);
      expect(again).toMatchObject({
        text: first.text,
        cache: 'exact',
        stopReason: 'stop_sequence',
        stopSequence: '\n\n\n',
      });
      const chunks: ChatChunk[] = [];
      const streamed = await chat({ ...base, stream: true }, chunks);
      expect(streamed).toMatchObject({ cache: 'exact', stopSequence: '\n\n\n' });
      expect(chunks.map((k) => k.delta).join('')).toBe(first.text);
      // temperature 0, which a cached answer needs, is on the wire but not in this SDK's types.
      const params = {
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        temperature: 0,
        messages: [{ role: 'user' as const, content: 'write add and sub (anthropic claude-haiku-4-5)' }],
        stop_sequences: ['def sub', '\n\n\n'],
      };
      const message = await anthropic.messages.create(params);
      expect(message.stop_reason).toBe('stop_sequence');
      expect(message.stop_sequence).toBe('\n\n\n');
      expect(env.fake.requestsFor('anthropic')).toHaveLength(1);
    });
  });

  describe('the local endpoint', () => {
    it('openai SDK: `stop` as a string reaches the provider; finish_reason "stop"', async () => {
      env.fake.enqueue('openai', { text: ANSWER });
      const done = await openai.chat.completions.create({
        model: 'gpt-4.1-mini',
        messages: [{ role: 'user', content: 'complete this (openai, whole)' }],
        stop: '\n\n\n',
      });
      expect(sent('openai').stop).toEqual(['\n\n\n']);
      expect(done.choices[0]!.message.content).toBe('def add(a, b):\n    return a + b');
      expect(done.choices[0]!.finish_reason).toBe('stop');
    });

    it('openai SDK streamed, to a Claude model: cut at the first of the list', async () => {
      env.fake.enqueue('anthropic', { text: ANSWER, chunks: 5 });
      const stream = await openai.chat.completions.create({
        model: 'claude-haiku-5-5',
        messages: [{ role: 'user', content: 'complete this (openai, streamed)' }],
        stop: ['return', 'def sub'],
        stream: true,
      });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(sent('anthropic').stop_sequences).toEqual(['return', 'def sub']);
      expect(text).toBe('def add(a, b):\n    ');
      expect(finish).toBe('stop');
    });

    it('anthropic SDK: stop_sequences, stop_reason "stop_sequence" with the sequence', async () => {
      env.fake.enqueue('anthropic', { text: ANSWER });
      const message = await anthropic.messages.create({
        model: 'claude-haiku-5-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'complete this (anthropic, whole)' }],
        stop_sequences: ['\n\n\n'],
      });
      expect(sent('anthropic').stop_sequences).toEqual(['\n\n\n']);
      expect(message.content).toEqual([{ type: 'text', text: 'def add(a, b):\n    return a + b' }]);
      expect(message.stop_reason).toBe('stop_sequence');
      expect(message.stop_sequence).toBe('\n\n\n');
    });

    it('anthropic SDK streamed: message_delta carries stop_reason and stop_sequence', async () => {
      env.fake.enqueue('anthropic', { text: ANSWER, chunks: 6 });
      const stream = anthropic.messages.stream({
        model: 'claude-haiku-5-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'complete this (anthropic, streamed)' }],
        stop_sequences: ['def sub'],
      });
      const message = await stream.finalMessage();
      expect(message.content).toEqual([{ type: 'text', text: 'def add(a, b):\n    return a + b\n\n\n' }]);
      expect(message.stop_reason).toBe('stop_sequence');
      expect(message.stop_sequence).toBe('def sub');
    });

    it('anthropic SDK: too many stop sequences for an OpenAI model is a 400 invalid_request_error', async () => {
      const err = await anthropic.messages
        .create({
          model: 'gpt-4.1-mini',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'x' }],
          stop_sequences: ['a', 'b', 'c', 'd', 'e'],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as Error).message).toMatch(/takes at most 4/);
      expect(env.fake.requests).toHaveLength(0);
    });
  });
});
