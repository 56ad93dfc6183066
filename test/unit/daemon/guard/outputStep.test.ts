import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConduitError, type ChatRequest, type ChatResult } from '../../../../protocol';
import { chatResult } from '../chatResultFixture';
import { guardSettingsSchema } from '../../../../daemon/guard/guardSettings';
import { enforceModeration } from '../../../../daemon/guard/moderation';
import { runWithOutputGuard, type TextSink } from '../../../../daemon/guard/outputStep';
import { FakeProviderServer } from '../../../fakes/fakeProvider';

const settings = guardSettingsSchema.parse({});
const request: ChatRequest = { messages: [{ role: 'user', content: 'give me JSON' }], responseFormat: 'json' };

function result(text: string): ChatResult {
  return chatResult(text);
}

function scripted(answers: string[]): {
  run: (r: ChatRequest, s: TextSink | undefined) => Promise<ChatResult>;
  seen: ChatRequest[];
} {
  const seen: ChatRequest[] = [];
  return {
    seen,
    run: async (r) => {
      seen.push(r);
      return result(answers.shift() ?? '');
    },
  };
}

const opts = { settings, inputRedacted: [], requestId: 'r', log: () => undefined };

describe('guard out: JSON answers', () => {
  it('passes valid JSON through in one call', async () => {
    const s = scripted(['{"ok":true}']);
    const r = await runWithOutputGuard(request, undefined, opts, s.run);
    expect(r.text).toBe('{"ok":true}');
    expect(s.seen).toHaveLength(1);
    expect(r.guard).toBeUndefined();
  });

  it('asks once for a repair, with the error, and adds up the usage', async () => {
    const s = scripted(['Sure! here: {ok}', '{"ok":true}']);
    const chunks: string[] = [];
    const r = await runWithOutputGuard(
      { ...request, stream: true },
      { chunk: (d) => void chunks.push(d) },
      opts,
      s.run,
    );
    expect(r.text).toBe('{"ok":true}');
    expect(r.guard).toEqual({ redacted: [], repaired: true });
    expect(r.usage.input_tokens).toBe(20);
    expect(r.costUsd).toBeCloseTo(0.002);
    const retry = s.seen[1]!;
    expect(retry.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(retry.messages[2]!.content).toMatch(/not valid JSON/);
    // Only the checked answer reaches a streaming client.
    expect(chunks).toEqual(['{"ok":true}']);
  });

  it('fails with a clear error after the one repair', async () => {
    const s = scripted(['nope', 'still nope']);
    const err = await runWithOutputGuard(request, undefined, opts, s.run).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConduitError);
    expect((err as ConduitError).code).toBe('invalid_output');
    expect((err as ConduitError).message).toMatch(/not usable JSON after one repair attempt/);
    expect(s.seen).toHaveLength(2);
  });

  it('redacts and reports secrets in the answer, streamed or not', async () => {
    const s = scripted(['key: AKIAFAKEFAKEFAKE0009 ok']);
    const chunks: string[] = [];
    const logs: string[] = [];
    const r = await runWithOutputGuard(
      { messages: request.messages },
      { chunk: (d) => void chunks.push(d) },
      { ...opts, log: (_l, msg) => logs.push(msg) },
      async (req, sink) => {
        for (const piece of ['key: AKIAFA', 'KEFAKEFAKE0009 ok']) void sink?.chunk(piece, 0);
        return s.run(req, sink);
      },
    );
    expect(r.text).toBe('key: [REDACTED:aws_access_key] ok');
    expect(chunks.join('')).toBe(r.text);
    expect(r.guard).toEqual({ redacted: [], outputRedacted: [{ kind: 'aws_access_key', count: 1 }] });
    expect(logs).toContain('suspicious response');
  });
});

describe('guard in: moderation (against the fake)', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await FakeProviderServer.start();
  });
  afterAll(() => fake.stop());
  const target = () => ({ apiKey: 'sk-test-FAKE-moderation-0000000000000001', baseURL: fake.baseURL('openai') });
  const signal = new AbortController().signal;

  it('does nothing for features not set to use it', async () => {
    await expect(
      enforceModeration({ feature: 'ask', messages: [{ content: 'FLAG-ME' }] }, ['chat'], target, signal, (t) => t),
    ).resolves.toBeUndefined();
  });

  it('passes a clean prompt and refuses a flagged one', async () => {
    await expect(
      enforceModeration({ feature: 'chat', messages: [{ content: 'hello' }] }, ['chat'], target, signal, (t) => t),
    ).resolves.toBeUndefined();
    const err = await enforceModeration(
      { feature: 'chat', messages: [{ content: 'please FLAG-ME' }] },
      ['chat'],
      target,
      signal,
      (t) => t,
    ).catch((e: unknown) => e);
    expect((err as ConduitError).code).toBe('guard_blocked');
    expect((err as ConduitError).message).toMatch(/flagged the prompt \(harassment\)/);
  });

  it('refuses when it cannot check (no key, or the endpoint refuses the key)', async () => {
    const noKey = await enforceModeration(
      { feature: 'chat', messages: [{ content: 'hi' }] },
      ['chat'],
      () => undefined,
      signal,
      (t) => t,
    ).catch((e: unknown) => e);
    expect((noKey as ConduitError).message).toMatch(/needs an OpenAI key/);
    fake.rejectKey(target().apiKey);
    const refused = await enforceModeration(
      { feature: 'chat', messages: [{ content: 'hi' }] },
      ['chat'],
      target,
      signal,
      (t) => t.replaceAll(target().apiKey, '[K]'),
    ).catch((e: unknown) => e);
    expect((refused as ConduitError).code).toBe('guard_blocked');
    expect((refused as ConduitError).message).toMatch(/moderation check failed/);
  });
});

describe('guard out: a stream that breaks midway', () => {
  it('releases the held-back text, so the client saw exactly the (redacted) partial text', async () => {
    const chunks: string[] = [];
    const partial = 'Alpha beta. key AKIAFAKEFAKEFAKE0003';
    const err = await runWithOutputGuard(
      { messages: request.messages },
      { chunk: (d) => void chunks.push(d) },
      opts,
      async (_r, sink) => {
        void sink?.chunk('Alpha beta.', 0);
        void sink?.chunk(' key AKIAFAKEFAKEFAKE0003', 1);
        throw new ConduitError({ code: 'stream_interrupted', message: 'broke', partialText: partial });
      },
    ).then(
      () => {
        throw new Error('expected the stream to fail');
      },
      (e: unknown) => e as ConduitError,
    );
    expect(chunks.join('')).toBe('Alpha beta. key [REDACTED:aws_access_key]');
    expect(err.data.partialText).toBe(chunks.join(''));
  });
});
