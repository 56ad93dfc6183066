import { describe, expect, it } from 'vitest';
import { GeminiAdapter } from '../../../../../daemon/providers/gemini/geminiAdapter';
import { geminiRecording, hasRealTranscripts, skipReason } from '../../../../fakes/realTranscripts';
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

const apiKey = 'AIzaSy-secret-KEY-0123456789';
const env = useAdapter<GeminiAdapter>((fake) => new GeminiAdapter({ apiKey, baseURL: fake.baseURL('gemini') }));

describe('GeminiAdapter through @google/genai', () => {
  it('chat: returns text, usage with thoughts counted as output, id and headers', async () => {
    env.fake.enqueue('gemini', {
      text: 'Hello',
      usage: { input: 20, output: 50, cacheRead: 8, reasoning: 260 },
      responseId: 'resp-1',
    });
    const res = await env.adapter.chat(request({ model: 'gemini-test' }), signal());
    expect(res).toMatchObject({
      text: 'Hello',
      model: 'gemini-test',
      stopReason: 'STOP',
      responseId: 'resp-1',
      usage: {
        input_tokens: 20,
        output_tokens: 310,
        cache_read_tokens: 8,
        cache_write_tokens: 0,
        reasoning_tokens: 260,
      },
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends the key as x-goog-api-key, the system prompt as systemInstruction, limits in generationConfig, assistant as model', async () => {
    await env.adapter.chat(
      request({
        model: 'gemini-test',
        system: 'Be brief',
        maxTokens: 88,
        temperature: 0.2,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      }),
      signal(),
    );
    const rec = env.fake.lastRequest('gemini');
    expect(rec?.path).toBe('/v1beta/models/gemini-test:generateContent');
    expect(rec?.headers['x-goog-api-key']).toBe(apiKey);
    expect(rec?.query).not.toHaveProperty('key');
    expect(rec?.body).toMatchObject({
      contents: [
        { role: 'user', parts: [{ text: 'a' }] },
        { role: 'model', parts: [{ text: 'b' }] },
        { role: 'user', parts: [{ text: 'c' }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief' }] },
      generationConfig: { maxOutputTokens: 88, temperature: 0.2 },
    });
    // Per-call SDK options must stay out of the wire body.
    expect(JSON.stringify(rec?.body)).not.toMatch(/automaticContinuation|abortSignal|httpOptions/);
  });

  it('stream: yields each chunk and one done with the final running usage', async () => {
    env.fake.enqueue('gemini', {
      deltas: ['low', '! The', ' sky'],
      usage: { input: 20, output: 6, reasoning: 4 },
      responseId: 'r2',
    });
    const { texts, done } = await drain(env.adapter.stream(request({ model: 'gemini-test' }), signal()));
    expect(texts).toEqual(['low', '! The', ' sky']);
    expect(done).toMatchObject({
      model: 'gemini-test',
      stopReason: 'STOP',
      responseId: 'r2',
      usage: { input_tokens: 20, output_tokens: 10, reasoning_tokens: 4 },
    });
    expect(done.headers['server']).toBe('scaffolding on HTTPServer2');
    expect(env.fake.lastRequest()?.query).toMatchObject({ alt: 'sse' });
  });

  it('stream: survives 1-byte writes and CRLF framing', async () => {
    env.fake.enqueue('gemini', { text: 'naïve café ☕', byteByByte: true, lineEnding: '\r\n' });
    const { texts } = await drain(env.adapter.stream(request(), signal()));
    expect(texts.join('')).toBe('naïve café ☕');
  });

  it('maps a per-minute RESOURCE_EXHAUSTED with RetryInfo 37s as a rate limit, and keeps the headers', async () => {
    env.fake.enqueue('gemini', { status: 429, error: { retryDelay: '37s' }, headers: { 'retry-after': '37' } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({
      kind: 'http',
      status: 429,
      providerType: 'RESOURCE_EXHAUSTED',
      retryDelayMs: 37_000,
      quotaFailure: false,
    });
    expect(err.message).toContain('quota');
    expect(err.headers['retry-after']).toBe('37');
    expect(env.fake.requests).toHaveLength(1);
  });

  it('maps a daily QuotaFailure as quota exhaustion', async () => {
    env.fake.enqueue('gemini', { status: 429, error: { quotaFailure: true } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({ status: 429, quotaFailure: true });
  });

  it('reads a fractional retryDelay and an ErrorInfo reason', async () => {
    env.fake.enqueue('gemini', {
      status: 400,
      error: {
        message: 'API key not valid. Please pass a valid API key.',
        retryDelay: '1.5s',
        quotaFailure: false,
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
        ],
      },
    });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({
      status: 400,
      providerType: 'INVALID_ARGUMENT',
      providerCode: 'API_KEY_INVALID',
      retryDelayMs: 1500,
      quotaFailure: false,
    });
    expect(err.message).toBe('API key not valid. Please pass a valid API key.');
  });

  it('maps UNAVAILABLE and a 401, never echoing the key', async () => {
    env.fake.enqueue('gemini', { status: 503 }, { status: 401, error: { message: `bad key ${apiKey}` } });
    expect(await upstreamError(env.adapter.chat(request(), signal()))).toMatchObject({
      status: 503,
      providerType: 'UNAVAILABLE',
    });
    const auth = await upstreamError(env.adapter.chat(request(), signal()));
    expect(auth).toMatchObject({ status: 401, providerType: 'UNAUTHENTICATED' });
    expect(auth.message).not.toContain(apiKey);
  });

  it('keeps the status of an HTML 502 and an empty 503, without inventing a provider type', async () => {
    env.fake.enqueue(
      'gemini',
      { status: 502, rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
      { status: 503, rawBody: '' },
    );
    const html = await upstreamError(env.adapter.chat(request(), signal()));
    expect(html).toMatchObject({ kind: 'http', status: 502, providerType: undefined });
    expect(html.message).toContain('Bad Gateway');
    const empty = await upstreamError(env.adapter.chat(request(), signal()));
    expect(empty).toMatchObject({ kind: 'http', status: 503, providerType: undefined });
    expect(empty.message).toContain('empty body');
  });

  it('unwraps a JSON error served as text/event-stream, as Gemini does for stream errors', async () => {
    env.fake.enqueue('gemini', {
      status: 404,
      contentType: 'text/event-stream',
      rawBody: JSON.stringify({ error: { code: 404, message: 'models/x is not found', status: 'NOT_FOUND' } }),
    });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({
      kind: 'http',
      status: 404,
      providerType: 'NOT_FOUND',
      message: 'models/x is not found',
    });
    expect(error.partialText).toBeUndefined();
  });

  it('reports a stream that ended without finishReason as truncated, with the partial text', async () => {
    env.fake.enqueue('gemini', { deltas: ['one ', 'two ', 'three'], fault: { kind: 'truncate', afterDeltas: 2 } });
    const { texts, error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(texts).toEqual(['one ', 'two ']);
    expect(error).toMatchObject({ kind: 'truncated', partialText: 'one two ' });
    // Automatic continuation is off: the SDK must not have reopened the stream by itself.
    expect(env.fake.requests).toHaveLength(1);
  });

  it('turns an error object after N chunks into a stream_error with the partial text', async () => {
    env.fake.enqueue('gemini', { deltas: ['a', 'b', 'c'], fault: { kind: 'sseError', afterDeltas: 2, status: 503 } });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({
      kind: 'stream_error',
      providerType: 'UNAVAILABLE',
      status: undefined,
      partialText: 'ab',
    });
  });

  it('reports a connection reset mid-stream as a connection error with the partial text', async () => {
    env.fake.enqueue('gemini', { deltas: ['a', 'b', 'c'], fault: { kind: 'reset', afterDeltas: 1 } });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({ kind: 'connection', partialText: 'a' });
  });

  it('reports an unreachable server as a connection error', async () => {
    const offline = new GeminiAdapter({ apiKey, baseURL: closedPortURL });
    const err = await upstreamError(offline.chat(request(), signal()));
    expect(err).toMatchObject({ kind: 'connection', status: undefined });
    expect(err.message).not.toContain(apiKey);
  });

  it('aborting mid-stream closes the upstream socket promptly', async () => {
    env.fake.enqueue('gemini', { deltas: ['a', 'b', 'c'], fault: { kind: 'hang', afterDeltas: 1 } });
    const { error, closeMs } = await abortAfterFirstText(
      (s) => env.adapter.stream(request(), s),
      async () => (await env.fake.waitForRequests(1))[0]?.waitForAbort(1000) ?? Promise.reject(new Error('no request')),
    );
    expect(error).toMatchObject({ kind: 'aborted', partialText: 'a' });
    expect(closeMs).toBeLessThan(1000);
  });

  it('aborting a non-streamed call reports aborted and closes the socket', async () => {
    env.fake.enqueue('gemini', { headerDelayMs: 5000 });
    const ac = new AbortController();
    const pending = env.adapter.chat(request(), ac.signal);
    const [rec] = await env.fake.waitForRequests(1);
    ac.abort();
    expect(await upstreamError(pending)).toMatchObject({ kind: 'aborted' });
    await rec?.waitForAbort(1000);
  });
});

const recordingName =
  'Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_system_instruction.json';

describe.skipIf(!hasRealTranscripts)(
  `GeminiAdapter on real transcripts${hasRealTranscripts ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    it('streams the recorded answer to a system-instruction request', async () => {
      const [interaction] = geminiRecording(recordingName);
      if (!interaction) throw new Error('recording has no interaction');
      env.fake.enqueue('gemini', { rawChunks: interaction.segments, headers: interaction.headers, lineEnding: '\r\n' });
      const { texts, done } = await drain(
        env.adapter.stream(
          request({
            model: 'gemini-2.5-flash',
            system: 'I say high you say low, and then tell me why is the sky blue.',
            messages: [{ role: 'user', content: 'high' }],
          }),
          signal(),
        ),
      );
      expect(texts).toHaveLength(interaction.segments.length);
      expect(texts[0]).toMatch(/^low!/);
      expect(texts.join('')).toMatch(/rather than violet\.$/);
      // The last chunk: 20 prompt, 253 candidates, 260 thoughts.
      expect(done).toMatchObject({
        model: 'gemini-2.5-flash',
        stopReason: 'STOP',
        responseId: 'tS77aIl-4ZvV7w_A9rTBBg',
        usage: { input_tokens: 20, output_tokens: 513, reasoning_tokens: 260 },
      });
      // What the adapter sent has the shape the real SDK test recorded.
      const sent = env.fake.lastRequest('gemini');
      expect(sent?.path).toBe(new URL(interaction.url, 'http://x').pathname);
      expect(sent?.body).toMatchObject({
        contents: [{ role: 'user', parts: [{ text: 'high' }] }],
        systemInstruction: { parts: [{ text: 'I say high you say low, and then tell me why is the sky blue.' }] },
      });
    });

    it('reports the recording cut before its finishReason chunk as truncated', async () => {
      const [interaction] = geminiRecording(recordingName);
      if (!interaction) throw new Error('recording has no interaction');
      env.fake.enqueue('gemini', {
        rawChunks: interaction.segments,
        fault: { kind: 'truncate', afterDeltas: interaction.segments.length - 1 },
      });
      const { error } = await drainToError(env.adapter.stream(request({ model: 'gemini-2.5-flash' }), signal()));
      expect(error.kind).toBe('truncated');
      expect(error.partialText).toMatch(/^low!/);
    });
  },
);
