import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../../protocol';
import { createAnthropicVertexAdapter } from '../../../../../daemon/providers/anthropicVertex/anthropicVertexAdapter';
import { classifyCode } from '../../../../../daemon/resilience/classify';
import type { ProviderAdapter } from '../../../../../daemon/providers/types';
import { writeGoogleAdc, type GoogleAdcFiles } from '../../../../fakes/googleAdc';
import { drain, drainToError, request, signal, upstreamError, useAdapter } from '../adapterHarness';
import { withEnv } from '../platformEnv';

const model = 'claude-sonnet-5-5';
let adc: GoogleAdcFiles;
const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
const env = useAdapter<ProviderAdapter>((fake) => {
  adc = writeGoogleAdc(fake.googleTokenURL);
  process.env.GOOGLE_APPLICATION_CREDENTIALS = adc.credentialsFile;
  return createAnthropicVertexAdapter({
    apiKey: '',
    baseURL: fake.baseURL('vertexAnthropic'),
    platform: { project: 'fake-proj', location: 'us-east5' },
  });
});
afterAll(() => {
  if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
  fs.rmSync(adc.dir, { recursive: true, force: true });
});

describe('Claude on Vertex AI through @anthropic-ai/vertex-sdk and Google ADC', () => {
  it('chat: :rawPredict under the project and location, with the access token the ADC flow obtained', async () => {
    env.fake.enqueue('vertexAnthropic', { text: 'Hi from Vertex', usage: { input: 6, output: 2, cacheWrite: 3 } });
    const res = await env.adapter.chat(request({ model, maxTokens: 16 }), signal());
    expect(res).toMatchObject({
      text: 'Hi from Vertex',
      usage: { input_tokens: 9, output_tokens: 2, cache_write_tokens: 3 },
    });
    const rec = env.fake.lastRequest('vertexAnthropic');
    expect(rec?.path).toBe(`/v1/projects/fake-proj/locations/us-east5/publishers/anthropic/models/${model}:rawPredict`);
    // The token was issued by the exchange, for the subject token the credentials file named.
    expect(env.fake.googleTokens.issued.has(rec?.apiKey ?? '')).toBe(true);
    expect(env.fake.googleTokens.subjectTokens).toContain(adc.subjectToken);
    expect(rec?.body).toMatchObject({ anthropic_version: expect.any(String), max_tokens: 16 });
    expect(rec?.body).not.toHaveProperty('model');
  });

  it("stream: :streamRawPredict, Anthropic's SSE", async () => {
    env.fake.enqueue('vertexAnthropic', { deltas: ['Ver', 'tex'], usage: { input: 4, output: 2 } });
    const { texts, done } = await drain(env.adapter.stream(request({ model }), signal()));
    expect(texts).toEqual(['Ver', 'tex']);
    expect(done.usage).toMatchObject({ input_tokens: 4, output_tokens: 2 });
    expect(env.fake.lastRequest('vertexAnthropic')?.path).toMatch(/:streamRawPredict$/);
  });

  it('a platform 429 (google.rpc RESOURCE_EXHAUSTED with RetryInfo) is rate_limited with the wait', async () => {
    env.fake.enqueue('vertexAnthropic', {
      status: 429,
      error: {
        message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model.',
        retryDelay: '7s',
      },
    });
    const err = await upstreamError(env.adapter.chat(request({ model }), signal()));
    expect(err).toMatchObject({
      provider: 'anthropicVertex',
      status: 429,
      providerType: 'RESOURCE_EXHAUSTED',
      retryDelayMs: 7000,
    });
    expect(err.message).toMatch(/^Quota exceeded/);
    expect(classifyCode(err)).toBe('rate_limited');
  });

  it.each([
    [403, 'permission'],
    [404, 'not_found'],
    [400, 'invalid_request'],
    [529, 'overloaded'],
    [500, 'server_error'],
  ])('HTTP %i maps to %s', async (status, code) => {
    env.fake.enqueue('vertexAnthropic', { status });
    const err = await upstreamError(env.adapter.chat(request({ model }), signal()));
    expect(classifyCode(err)).toBe(code);
  });

  it('an overloaded_error event after the 200 keeps the partial text', async () => {
    env.fake.enqueue('vertexAnthropic', { deltas: ['x', 'y', 'z'], fault: { kind: 'sseError', afterDeltas: 1 } });
    const { texts, error } = await drainToError(env.adapter.stream(request({ model }), signal()));
    expect(texts).toEqual(['x']);
    expect(error).toMatchObject({ kind: 'stream_error', providerType: 'overloaded_error', partialText: 'x' });
    expect(classifyCode(error)).toBe('overloaded');
  });

  it('without usable credentials: an auth failure that says how to log in, nothing sent', async () => {
    const before = env.fake.requestsFor('vertexAnthropic').length;
    await withEnv({ GOOGLE_APPLICATION_CREDENTIALS: `${adc.dir}/missing.json` }, async () => {
      const adapter = createAnthropicVertexAdapter({
        apiKey: '',
        baseURL: env.fake.baseURL('vertexAnthropic'),
        platform: { project: 'fake-proj', location: 'global' },
      });
      const err = await upstreamError(adapter.chat(request({ model }), signal()));
      expect(classifyCode(err)).toBe('auth');
      expect(err.message).toMatch(/gcloud auth application-default login/);
    });
    expect(env.fake.requestsFor('vertexAnthropic')).toHaveLength(before);
  });

  it('without a project it refuses to build, naming the setting', () => {
    expect(() =>
      createAnthropicVertexAdapter({
        apiKey: '',
        baseURL: env.fake.baseURL('vertexAnthropic'),
        platform: { location: 'global' },
      }),
    ).toThrow(ConduitError);
    expect(() => createAnthropicVertexAdapter({ apiKey: '', baseURL: env.fake.baseURL('vertexAnthropic') })).toThrow(
      /providers\.anthropicVertex\.project/,
    );
  });
});
