import * as net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../../../daemon/providers/anthropic/anthropicAdapter';
import { GeminiAdapter } from '../../../../daemon/providers/gemini/geminiAdapter';
import { createHttpFetch, isConnectTimeout } from '../../../../daemon/providers/httpFetch';
import { createOpenAIAdapter } from '../../../../daemon/providers/openai/openaiAdapter';
import type { ProviderAdapter, ProviderConfig } from '../../../../daemon/providers/types';
import { UpstreamError } from '../../../../daemon/providers/types';
import { timeoutPhaseOf } from '../../../../daemon/resilience/attemptTimeout';
import { classifyCode, toErrorData } from '../../../../daemon/resilience/classify';
import { FakeProviderServer } from '../../../fakes/fakeProvider';

/**
 * A loopback listener that never accepts: its worker's event loop is blocked, so connections pile
 * up in the kernel's accept queue, and once the small backlog is full new SYNs go unanswered. That
 * is a real connect timeout without touching any address outside 127.0.0.0/8.
 */
async function blackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const worker = new Worker(
    `
    const { parentPort } = require('node:worker_threads');
    const server = require('node:net').createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      parentPort.postMessage(server.address().port);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
    });
  `,
    { eval: true },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  // Fill the accept queue, so the next connect really hangs.
  const fillers = [0, 1, 2].map(() => net.connect(port, '127.0.0.1').on('error', () => undefined));
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      await worker.terminate();
    },
  };
}

const request = { model: 'test-model', messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 64 };
const build: Record<'anthropic' | 'openai' | 'gemini', (cfg: ProviderConfig) => ProviderAdapter> = {
  anthropic: (cfg) => new AnthropicAdapter(cfg),
  openai: (cfg) => createOpenAIAdapter(cfg),
  gemini: (cfg) => new GeminiAdapter(cfg),
};

let hole: Awaited<ReturnType<typeof blackhole>>;
let fake: FakeProviderServer;
beforeAll(async () => {
  hole = await blackhole();
  fake = await FakeProviderServer.start();
});
afterAll(async () => {
  await hole.close();
  await fake.stop();
});

describe('connect timeout (connectMs) through undici', () => {
  it("the fetch gives up connecting after connectTimeoutMs, with undici's own error", async () => {
    const fetch = createHttpFetch({ connectTimeoutMs: 200 });
    const err = await fetch(`http://127.0.0.1:${hole.port}/`).catch((e: unknown) => e);
    expect(isConnectTimeout(err)).toBe(true);
  });

  it.each(['anthropic', 'openai', 'gemini'] as const)(
    '%s: a connect timeout is a timeout in the connect phase',
    async (provider) => {
      const baseURL = provider === 'openai' ? `http://127.0.0.1:${hole.port}/v1` : `http://127.0.0.1:${hole.port}`;
      const adapter = build[provider]({ apiKey: 'key-1234567890', baseURL, connectTimeoutMs: 200 });
      const started = Date.now();
      const err = await adapter.chat(request, new AbortController().signal).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(err).toBeInstanceOf(UpstreamError);
      const upstream = err as UpstreamError;
      expect(upstream.kind).toBe('timeout');
      expect(classifyCode(upstream)).toBe('timeout');
      expect(timeoutPhaseOf(upstream)).toBe('connect');
      expect(upstream.message).toMatch(/\(connect timeout\): Could not connect to 127\.0\.0\.1:\d+ within 200 ms\.$/);
      expect(toErrorData(upstream).message).not.toContain('key-1234567890');
    },
  );

  it("an unmapped connect timeout (a connection error wrapping undici's) still classifies as timeout/connect", () => {
    const cause = Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    const err = new UpstreamError({
      provider: 'openai',
      kind: 'connection',
      message: 'fetch failed',
      cause: new TypeError('fetch failed', { cause }),
    });
    expect(classifyCode(err)).toBe('timeout');
    expect(timeoutPhaseOf(err)).toBe('connect');
  });
});

describe.each(['anthropic', 'openai', 'gemini'] as const)('%s adapter over the undici fetch', (provider) => {
  const adapter = (): ProviderAdapter =>
    build[provider]({ apiKey: 'key-1234567890', baseURL: fake.baseURL(provider), connectTimeoutMs: 1000 });

  it('chats and streams as before', async () => {
    fake.enqueue(provider, { text: 'Hi there' }, { deltas: ['Hel', 'lo'] });
    expect((await adapter().chat(request, new AbortController().signal)).text).toBe('Hi there');
    const texts: string[] = [];
    let done = false;
    for await (const ev of adapter().stream(request, new AbortController().signal)) {
      if (ev.type === 'text') texts.push(ev.text);
      else done = true;
    }
    expect(texts.join('')).toBe('Hello');
    expect(done).toBe(true);
  });

  it('keeps the error status and headers a retry decision needs', async () => {
    fake.enqueue(provider, { status: 429, headers: { 'retry-after': '7' } });
    const err = await adapter()
      .chat(request, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429 });
    expect((err as UpstreamError).headers['retry-after']).toBe('7');
  });

  it('an abort still closes the socket', async () => {
    fake.enqueue(provider, { deltas: ['a', 'b'], fault: { kind: 'hang', afterDeltas: 1 } });
    const ac = new AbortController();
    const it = adapter().stream(request, ac.signal)[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'text' });
    const rest = it.next().catch((e: unknown) => e);
    ac.abort();
    expect(await rest).toMatchObject({ kind: 'aborted' });
    await fake.lastRequest(provider)?.waitForAbort();
  });
});
