import { describe, expect, it } from 'vitest';
import { createOpenAIAdapter } from '../../../../../daemon/providers/openai/openaiAdapter';
import type { ProviderAdapter } from '../../../../../daemon/providers/types';
import {
  abortAfterFirstText,
  closedPortURL,
  drain,
  drainToError,
  request,
  upstreamError,
  signal,
  useAdapter,
} from '../adapterHarness';

const apiKey = 'sk-proj-secret-KEY-abcdef0123';
const env = useAdapter<ProviderAdapter>((fake) => createOpenAIAdapter({ apiKey, baseURL: fake.baseURL('openai') }));

describe('OpenAI adapter through the openai SDK', () => {
  it('chat: returns text, usage with cached and reasoning tokens, id and headers', async () => {
    env.fake.enqueue('openai', {
      text: 'Hi!',
      usage: { input: 30, output: 12, cacheRead: 10, reasoning: 5 },
      responseId: 'chatcmpl-1',
    });
    const res = await env.adapter.chat(request(), signal());
    expect(res).toMatchObject({
      text: 'Hi!',
      model: 'test-model',
      stopReason: 'stop',
      responseId: 'chatcmpl-1',
      usage: { input_tokens: 30, output_tokens: 12, cache_read_tokens: 10, cache_write_tokens: 0, reasoning_tokens: 5 },
    });
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    expect(res.headers['x-ratelimit-remaining-requests']).toBe('9999');
  });

  it('sends the system prompt as a system message and max_completion_tokens, never max_tokens', async () => {
    await env.adapter.chat(request({ system: 'Be brief', maxTokens: 77, temperature: 0 }), signal());
    const rec = env.fake.lastRequest('openai');
    expect(rec?.body).toMatchObject({
      model: 'test-model',
      max_completion_tokens: 77,
      temperature: 0,
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Say hello' },
      ],
    });
    expect(rec?.body).not.toHaveProperty('max_tokens');
    expect(rec?.apiKey).toBe(apiKey);
  });

  it('stream: asks for usage, yields each delta and one done with the usage chunk', async () => {
    env.fake.enqueue('openai', { deltas: ['A', 'B', 'C'], usage: { input: 4, output: 3, cacheRead: 1, reasoning: 1 } });
    const { texts, done } = await drain(env.adapter.stream(request(), signal()));
    expect(texts).toEqual(['A', 'B', 'C']);
    expect(done).toMatchObject({
      stopReason: 'stop',
      usage: { input_tokens: 4, output_tokens: 3, cache_read_tokens: 1, reasoning_tokens: 1 },
    });
    expect(done.headers['x-request-id']).toMatch(/^req_/);
    expect(env.fake.lastRequest()?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('stream: survives 1-byte writes and CRLF framing', async () => {
    env.fake.enqueue('openai', { text: 'naïve café ☕', byteByByte: true, lineEnding: '\r\n' });
    const { texts } = await drain(env.adapter.stream(request(), signal()));
    expect(texts.join('')).toBe('naïve café ☕');
  });

  it('maps insufficient_quota to its type and code', async () => {
    env.fake.enqueue('openai', { status: 429, error: { code: 'insufficient_quota' } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({
      kind: 'http',
      status: 429,
      providerType: 'insufficient_quota',
      providerCode: 'insufficient_quota',
    });
    expect(err.requestId).toMatch(/^req_/);
  });

  it('maps a rate limit with retry-after-ms, with one request and no SDK retry', async () => {
    env.fake.enqueue('openai', { status: 429, headers: { 'retry-after-ms': '1500', 'x-should-retry': 'true' } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({ status: 429, providerType: 'requests', providerCode: 'rate_limit_exceeded' });
    expect(err.headers).toMatchObject({ 'retry-after-ms': '1500', 'x-should-retry': 'true' });
    expect(env.fake.requests).toHaveLength(1);
  });

  it('maps a 401 without echoing the key', async () => {
    env.fake.enqueue('openai', { status: 401, error: { message: `Incorrect API key provided: ${apiKey}.` } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({ status: 401, providerCode: 'invalid_api_key' });
    expect(err.message).not.toContain(apiKey);
  });

  it('keeps the status of an HTML 502 and an empty 503', async () => {
    env.fake.enqueue(
      'openai',
      { status: 502, rawBody: '<html><body><center><h1>502 Bad Gateway</h1></center></body></html>' },
      { status: 503, rawBody: '' },
    );
    const html = await upstreamError(env.adapter.chat(request(), signal()));
    expect(html).toMatchObject({ kind: 'http', status: 502 });
    expect(html.message).toContain('Bad Gateway');
    expect(await upstreamError(env.adapter.chat(request(), signal()))).toMatchObject({ kind: 'http', status: 503 });
  });

  it('reports a stream cut before finish_reason as truncated, with the partial text', async () => {
    env.fake.enqueue('openai', { deltas: ['x', 'y', 'z'], fault: { kind: 'truncate', afterDeltas: 2 } });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({ kind: 'truncated', partialText: 'xy' });
  });

  it('reports a stream with finish_reason but without the usage chunk as truncated', async () => {
    const chunk = (choices: unknown[]): unknown => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'test-model',
      choices,
      usage: null,
    });
    env.fake.enqueue('openai', {
      rawChunks: [
        chunk([{ index: 0, delta: { role: 'assistant', content: 'hi' }, finish_reason: null }]),
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      ],
    });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({ kind: 'truncated', partialText: 'hi' });
  });

  it('turns an error object after N deltas into a stream_error with the partial text', async () => {
    env.fake.enqueue('openai', {
      deltas: ['a', 'b', 'c'],
      fault: { kind: 'sseError', afterDeltas: 1, error: { type: 'server_error', message: 'boom' } },
    });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({
      kind: 'stream_error',
      providerType: 'server_error',
      message: 'boom',
      partialText: 'a',
    });
  });

  it('reports an unreachable server as a connection error', async () => {
    const offline = createOpenAIAdapter({ apiKey, baseURL: `${closedPortURL}/v1` });
    expect(await upstreamError(offline.chat(request(), signal()))).toMatchObject({ kind: 'connection' });
  });

  it('aborting mid-stream closes the upstream socket promptly', async () => {
    env.fake.enqueue('openai', { deltas: ['a', 'b'], fault: { kind: 'hang', afterDeltas: 1 } });
    const { error, closeMs } = await abortAfterFirstText(
      (s) => env.adapter.stream(request(), s),
      async () => (await env.fake.waitForRequests(1))[0]?.waitForAbort(1000) ?? Promise.reject(new Error('no request')),
    );
    expect(error).toMatchObject({ kind: 'aborted', partialText: 'a' });
    expect(closeMs).toBeLessThan(1000);
  });

  it('aborting while the server pings forever still closes the socket', async () => {
    env.fake.enqueue('openai', { deltas: ['a'], fault: { kind: 'pingForever', afterDeltas: 1, intervalMs: 10 } });
    const { error } = await abortAfterFirstText(
      (s) => env.adapter.stream(request(), s),
      async () => (await env.fake.waitForRequests(1))[0]?.waitForAbort(1000) ?? Promise.reject(new Error('no request')),
    );
    expect(error.kind).toBe('aborted');
  });
});
