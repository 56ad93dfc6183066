import { describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../../../../daemon/providers/anthropic/anthropicAdapter';
import { anthropicTranscript, hasRealTranscripts, skipReason } from '../../../../fakes/realTranscripts';
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

const apiKey = 'sk-ant-secret-KEY-0123456789';
const env = useAdapter<AnthropicAdapter>(
  (fake) => new AnthropicAdapter({ apiKey, baseURL: fake.baseURL('anthropic') }),
);

describe('AnthropicAdapter through @anthropic-ai/sdk', () => {
  it('chat: returns the text, usage, stop reason, id and lower-cased headers the fake sent', async () => {
    env.fake.enqueue('anthropic', {
      text: 'Hi there',
      usage: { input: 11, output: 4, cacheRead: 5, cacheWrite: 3, reasoning: 2 },
      responseId: 'msg_1',
      headers: { 'Retry-After': '1' },
    });
    const res = await env.adapter.chat(request({ system: 'Be brief', maxTokens: 99, temperature: 0.3 }), signal());
    expect(res).toMatchObject({
      text: 'Hi there',
      model: 'test-model',
      stopReason: 'end_turn',
      responseId: 'msg_1',
      // Canonical input is the whole prompt: 11 uncached + 5 read + 3 written.
      usage: { input_tokens: 19, output_tokens: 4, cache_read_tokens: 5, cache_write_tokens: 3, reasoning_tokens: 2 },
    });
    expect(res.headers['request-id']).toMatch(/^req_/);
    expect(res.headers['anthropic-ratelimit-requests-remaining']).toBe('3999');
    expect(res.headers['retry-after']).toBe('1');
  });

  it('puts the system prompt, max_tokens, temperature and messages in their wire fields', async () => {
    await env.adapter.chat(
      request({
        system: 'Be brief',
        maxTokens: 99,
        temperature: 0.3,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      }),
      signal(),
    );
    const rec = env.fake.lastRequest('anthropic');
    expect(rec?.body).toMatchObject({
      model: 'test-model',
      system: 'Be brief',
      max_tokens: 99,
      temperature: 0.3,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ],
    });
    expect(rec?.apiKey).toBe(apiKey);
  });

  it('stream: yields each delta and exactly one done with the final usage', async () => {
    env.fake.enqueue('anthropic', {
      deltas: ['Hel', 'lo', ' world'],
      usage: { input: 8, output: 3, cacheRead: 2, cacheWrite: 1 },
    });
    const { texts, done } = await drain(env.adapter.stream(request(), signal()));
    expect(texts).toEqual(['Hel', 'lo', ' world']);
    expect(done).toMatchObject({
      model: 'test-model',
      stopReason: 'end_turn',
      usage: { input_tokens: 11, output_tokens: 3, cache_read_tokens: 2, cache_write_tokens: 1, reasoning_tokens: 0 },
    });
    expect(done.headers['request-id']).toMatch(/^req_/);
    expect(env.fake.lastRequest()?.body).toMatchObject({ stream: true });
  });

  it('stream: survives 1-byte writes, CRLF framing and pings', async () => {
    env.fake.enqueue('anthropic', { text: 'naïve café ☕ ok', byteByByte: true, lineEnding: '\r\n' });
    const { texts } = await drain(env.adapter.stream(request(), signal()));
    expect(texts.join('')).toBe('naïve café ☕ ok');
  });

  it('maps a 401 to authentication_error with the request id, and never echoes the key', async () => {
    env.fake.enqueue('anthropic', { status: 401, error: { message: `invalid x-api-key ${apiKey}` } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({
      provider: 'anthropic',
      kind: 'http',
      status: 401,
      providerType: 'authentication_error',
    });
    expect(err.requestId).toMatch(/^req_/);
    expect(err.message).not.toContain(apiKey);
  });

  it('maps a 429 with retry-after, and makes exactly one request (no SDK retries)', async () => {
    env.fake.enqueue('anthropic', { status: 429, headers: { 'retry-after': '7' } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({ status: 429, providerType: 'rate_limit_error' });
    expect(err.headers['retry-after']).toBe('7');
    expect(err.message).toContain('rate limit');
    expect(env.fake.requests).toHaveLength(1);
  });

  it('maps 529 overloaded_error', async () => {
    env.fake.enqueue('anthropic', { status: 529 });
    expect(await upstreamError(env.adapter.chat(request(), signal()))).toMatchObject({
      status: 529,
      providerType: 'overloaded_error',
    });
  });

  it('keeps the status of an HTML 502 and an empty 503', async () => {
    env.fake.enqueue(
      'anthropic',
      {
        status: 502,
        rawBody: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
      },
      { status: 503, rawBody: '' },
    );
    const html = await upstreamError(env.adapter.chat(request(), signal()));
    expect(html).toMatchObject({ kind: 'http', status: 502, providerType: undefined });
    expect(html.message).toContain('Bad Gateway');
    expect(html.message).not.toContain('<');
    const empty = await upstreamError(env.adapter.chat(request(), signal()));
    expect(empty).toMatchObject({ kind: 'http', status: 503 });
    expect(empty.message).toContain('empty body');
  });

  it('reports a stream that closed before message_stop as truncated, with the partial text', async () => {
    env.fake.enqueue('anthropic', { deltas: ['one ', 'two ', 'three'], fault: { kind: 'truncate', afterDeltas: 2 } });
    const { texts, error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(texts).toEqual(['one ', 'two ']);
    expect(error).toMatchObject({ kind: 'truncated', partialText: 'one two ' });
  });

  it('turns an event: error after two deltas into a stream_error with the provider type', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a', 'b', 'c'], fault: { kind: 'sseError', afterDeltas: 2 } });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({
      kind: 'stream_error',
      providerType: 'overloaded_error',
      partialText: 'ab',
      message: 'Overloaded',
    });
  });

  it('reports a connection reset mid-stream as a connection error with the partial text', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a', 'b', 'c'], fault: { kind: 'reset', afterDeltas: 1 } });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({ kind: 'connection', partialText: 'a' });
  });

  it('reports an unreachable server as a connection error', async () => {
    const offline = new AnthropicAdapter({ apiKey, baseURL: closedPortURL });
    expect(await upstreamError(offline.chat(request(), signal()))).toMatchObject({
      kind: 'connection',
      status: undefined,
    });
  });

  it('aborting mid-stream closes the upstream socket promptly', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a', 'b'], fault: { kind: 'hang', afterDeltas: 1 } });
    const { error, closeMs } = await abortAfterFirstText(
      (s) => env.adapter.stream(request(), s),
      async () => (await env.fake.waitForRequests(1))[0]?.waitForAbort(1000) ?? Promise.reject(new Error('no request')),
    );
    expect(error).toMatchObject({ kind: 'aborted', partialText: 'a' });
    expect(closeMs).toBeLessThan(1000);
  });

  it('aborting a non-streamed call closes the socket and reports aborted', async () => {
    env.fake.enqueue('anthropic', { headerDelayMs: 5000 });
    const ac = new AbortController();
    const pending = env.adapter.chat(request(), ac.signal);
    const [rec] = await env.fake.waitForRequests(1);
    ac.abort();
    expect(await upstreamError(pending)).toMatchObject({ kind: 'aborted' });
    await rec?.waitForAbort(1000);
  });

  it('an already-aborted signal fails without a request', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await upstreamError(env.adapter.chat(request(), ac.signal))).toMatchObject({ kind: 'aborted' });
    expect(env.fake.requests).toHaveLength(0);
  });
});

describe.skipIf(!hasRealTranscripts)(
  `AnthropicAdapter on real transcripts${hasRealTranscripts ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    it('streams anthropic/basic_response.txt', async () => {
      env.fake.enqueue('anthropic', { rawBody: anthropicTranscript('basic_response.txt') });
      const { texts, done } = await drain(env.adapter.stream(request(), signal()));
      expect(texts.join('')).toBe('Hello there!');
      expect(done).toMatchObject({
        model: 'claude-opus-4-8',
        stopReason: 'end_turn',
        responseId: 'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK',
        usage: { input_tokens: 11, output_tokens: 6 },
      });
    });

    it('reports the same transcript cut before message_stop as truncated', async () => {
      env.fake.enqueue('anthropic', {
        rawBody: anthropicTranscript('basic_response.txt'),
        fault: { kind: 'truncate', afterDeltas: 8 },
      });
      const { error } = await drainToError(env.adapter.stream(request(), signal()));
      expect(error).toMatchObject({ kind: 'truncated', partialText: 'Hello there!' });
    });
  },
);
