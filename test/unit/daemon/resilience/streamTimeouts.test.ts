import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../../../daemon/providers/anthropic/anthropicAdapter';
import { createOpenAIAdapter } from '../../../../daemon/providers/openai/openaiAdapter';
import type { ProviderAdapter } from '../../../../daemon/providers/types';
import { UpstreamError } from '../../../../daemon/providers/types';
import { timeoutPhaseOf } from '../../../../daemon/resilience/attemptTimeout';
import { classifyCode } from '../../../../daemon/resilience/classify';
import {
  executeWithRetry,
  type AttemptContext,
  type ExecuteOptions,
} from '../../../../daemon/resilience/executeWithRetry';
import { ResilienceError } from '../../../../daemon/resilience/resilienceError';
import { guardStream } from '../../../../daemon/resilience/streamTimeouts';
import { FakeProviderServer } from '../../../fakes/fakeProvider';
import type { WireProvider } from '../../../fakes/script';

let fake: FakeProviderServer;
let adapters: Record<'anthropic' | 'openai', ProviderAdapter>;

beforeAll(async () => {
  fake = await FakeProviderServer.start();
  adapters = {
    anthropic: new AnthropicAdapter({ apiKey: 'sk-ant-test', baseURL: fake.baseURL('anthropic') }),
    openai: createOpenAIAdapter({ apiKey: 'sk-test', baseURL: fake.baseURL('openai') }),
  };
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => fake.reset());

const request = { model: 'test-model', messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 64 };

/** Reads a guarded stream of the real adapter to its end or its error. */
async function guarded(provider: 'anthropic' | 'openai', limits: { firstByteMs: number; idleMs: number }) {
  const ac = new AbortController();
  const texts: string[] = [];
  const started = Date.now();
  try {
    for await (const ev of guardStream(adapters[provider].stream(request, ac.signal), {
      provider,
      ...limits,
      onTimeout: (t) => ac.abort(t),
    })) {
      if (ev.type === 'text') texts.push(ev.text);
    }
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    return { texts, error: err, elapsedMs: Date.now() - started, signal: ac.signal };
  }
  return { texts, error: undefined, elapsedMs: Date.now() - started, signal: ac.signal };
}

describe.each(['anthropic', 'openai'] as const)('guardStream with the real %s adapter', (provider) => {
  const wire: WireProvider = provider;

  it('pings do not count as progress: pingForever ends in a stream idle timeout, and the socket closes', async () => {
    fake.enqueue(wire, { deltas: ['Hel', 'lo'], fault: { kind: 'pingForever', afterDeltas: 1, intervalMs: 50 } });
    const r = await guarded(provider, { firstByteMs: 5000, idleMs: 400 });
    expect(r.texts).toEqual(['Hel']);
    expect(r.error).toMatchObject({ kind: 'timeout', partialText: 'Hel' });
    expect(r.error?.message).toMatch(/stream idle timeout/);
    expect(timeoutPhaseOf(r.error as UpstreamError)).toBe('stream idle');
    expect(classifyCode(r.error as UpstreamError)).toBe('timeout');
    // Several pings came and went inside the idle window, so they really were ignored.
    expect(r.elapsedMs).toBeGreaterThanOrEqual(380);
    await fake.lastRequest(wire)?.waitForAbort();
  });

  it('a server that sends headers and then nothing hits the first byte timeout', async () => {
    fake.enqueue(wire, { fault: { kind: 'hang' } });
    const r = await guarded(provider, { firstByteMs: 300, idleMs: 5000 });
    expect(r.texts).toEqual([]);
    expect(r.error?.message).toMatch(/first byte timeout/);
    expect(r.signal.aborted).toBe(true);
    await fake.lastRequest(wire)?.waitForAbort();
  });

  it('slow headers hit the first byte timeout too', async () => {
    fake.enqueue(wire, { headerDelayMs: 5000 });
    const r = await guarded(provider, { firstByteMs: 300, idleMs: 5000 });
    expect(r.error?.message).toMatch(/first byte timeout/);
    expect(r.elapsedMs).toBeLessThan(4000);
    await fake.lastRequest(wire)?.waitForAbort();
  });

  it('a healthy stream passes through untouched', async () => {
    fake.enqueue(wire, { deltas: ['a', 'b', 'c'], chunkDelayMs: 20 });
    const r = await guarded(provider, { firstByteMs: 2000, idleMs: 2000 });
    expect(r.error).toBeUndefined();
    expect(r.texts).toEqual(['a', 'b', 'c']);
  });
});

describe('executeWithRetry with the real Anthropic adapter', () => {
  const options: ExecuteOptions = {
    provider: 'anthropic',
    model: 'test-model',
    mode: 'stream',
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, retryBudgetMs: 1000 },
    timeouts: { firstByteMs: 2000, streamIdleMs: 300, callMs: 400 },
  };

  /** What the gateway does: read through ctx.guard, commit once a chunk goes to the client. */
  const streamTo =
    (sent: string[], commit: boolean) =>
    async (ctx: AttemptContext): Promise<string> => {
      let text = '';
      for await (const ev of ctx.guard(adapters.anthropic.stream(request, ctx.signal))) {
        if (ev.type !== 'text') continue;
        text += ev.text;
        if (commit) {
          sent.push(ev.text);
          ctx.commit();
        }
      }
      return text;
    };

  it('retries a stream that stalled before anything reached the client, and the first socket is closed', async () => {
    fake.enqueue(
      'anthropic',
      { deltas: ['Hel', 'lo'], fault: { kind: 'pingForever', afterDeltas: 1, intervalMs: 50 } },
      { deltas: ['Hi', '!'] },
    );
    const result = await executeWithRetry(streamTo([], false), options, new AbortController().signal);
    expect(result.value).toBe('Hi!');
    expect(result.attempts).toMatchObject([{ error: 'timeout' }, {}]);
    await fake.requestsFor('anthropic')[0]?.waitForAbort();
  });

  it('does not retry once a chunk reached the client: stream_interrupted with the partial text', async () => {
    fake.enqueue(
      'anthropic',
      { deltas: ['Hel', 'lo'], fault: { kind: 'pingForever', afterDeltas: 1, intervalMs: 50 } },
      { deltas: ['Hi'] },
    );
    const sent: string[] = [];
    const err = await executeWithRetry(streamTo(sent, true), options, new AbortController().signal).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResilienceError);
    expect(err).toMatchObject({ reason: 'committed', data: { code: 'stream_interrupted', partialText: 'Hel' } });
    expect(sent).toEqual(['Hel']);
    expect(fake.requestsFor('anthropic')).toHaveLength(1);
    await fake.lastRequest('anthropic')?.waitForAbort();
  });

  it('a non-streamed call that never answers times out, is retried, and each socket is closed', async () => {
    fake.enqueue('anthropic', { headerDelayMs: 10_000 }, { text: 'late but fine' });
    const result = await executeWithRetry(
      (ctx) => adapters.anthropic.chat(request, ctx.signal),
      { ...options, mode: 'call' },
      new AbortController().signal,
    );
    expect(result.value.text).toBe('late but fine');
    expect(result.attempts[0]).toMatchObject({ error: 'timeout' });
    await fake.requestsFor('anthropic')[0]?.waitForAbort();
  });

  it('a real 429 with retry-after: 120 fails fast for the fallback to take over', async () => {
    fake.enqueue('anthropic', { status: 429, headers: { 'retry-after': '120' } });
    const started = Date.now();
    const err = await executeWithRetry(
      (ctx) => adapters.anthropic.chat(request, ctx.signal),
      { ...options, mode: 'call', retry: { ...options.retry, retryBudgetMs: 60_000 } },
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toMatchObject({
      reason: 'hint_over_budget',
      data: { code: 'rate_limited', status: 429, retryAfterMs: 120_000 },
    });
    expect((err as Error).message).toMatch(/^Anthropic asks to wait 120 s/);
    expect(fake.requestsFor('anthropic')).toHaveLength(1);
  });

  it('cancelling mid-stream closes the socket and makes no further attempt', async () => {
    fake.enqueue('anthropic', { deltas: ['a', 'b'], fault: { kind: 'hang', afterDeltas: 1 } });
    const ac = new AbortController();
    const pending = executeWithRetry(
      async (ctx) => {
        for await (const ev of ctx.guard(adapters.anthropic.stream(request, ctx.signal))) {
          if (ev.type === 'text') ac.abort();
        }
        return 'done';
      },
      options,
      ac.signal,
    ).catch((e: unknown) => e);
    expect(await pending).toMatchObject({ reason: 'cancelled', data: { code: 'cancelled' } });
    await fake.lastRequest('anthropic')?.waitForAbort();
    expect(fake.requestsFor('anthropic')).toHaveLength(1);
  });
});
