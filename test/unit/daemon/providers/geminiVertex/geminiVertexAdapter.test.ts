import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createGeminiVertexAdapter } from '../../../../../daemon/providers/geminiVertex/geminiVertexAdapter';
import { classifyCode, retryAfterMs } from '../../../../../daemon/resilience/classify';
import type { ProviderAdapter } from '../../../../../daemon/providers/types';
import { writeGoogleAdc, type GoogleAdcFiles } from '../../../../fakes/googleAdc';
import { drain, drainToError, request, signal, upstreamError, useAdapter } from '../adapterHarness';
import { withEnv } from '../platformEnv';

const model = 'gemini-3.8-flash';
let adc: GoogleAdcFiles;
const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
const env = useAdapter<ProviderAdapter>((fake) => {
  adc = writeGoogleAdc(fake.googleTokenURL);
  process.env.GOOGLE_APPLICATION_CREDENTIALS = adc.credentialsFile;
  return createGeminiVertexAdapter({
    apiKey: '',
    baseURL: fake.baseURL('vertexGemini'),
    platform: { project: 'fake-proj', location: 'europe-west4', apiVersion: 'v1' },
  });
});
afterAll(() => {
  if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
  fs.rmSync(adc.dir, { recursive: true, force: true });
});

describe('Gemini on Vertex AI through @google/genai (vertexai: true) and Google ADC', () => {
  it('chat: :generateContent under the project and location, with the ADC access token and no API key', async () => {
    env.fake.enqueue('vertexGemini', { text: 'Hi from Vertex Gemini', usage: { input: 8, output: 3, reasoning: 2 } });
    const res = await env.adapter.chat(request({ model, maxTokens: 16 }), signal());
    expect(res).toMatchObject({
      text: 'Hi from Vertex Gemini',
      stopReason: 'STOP',
      usage: { input_tokens: 8, output_tokens: 5, reasoning_tokens: 2 },
    });
    const rec = env.fake.lastRequest('vertexGemini');
    expect(rec?.path).toBe(
      `/v1/projects/fake-proj/locations/europe-west4/publishers/google/models/${model}:generateContent`,
    );
    expect(env.fake.googleTokens.issued.has(rec?.apiKey ?? '')).toBe(true);
    expect(rec?.headers['x-goog-api-key']).toBeUndefined();
    expect(rec?.body).toMatchObject({ generationConfig: { maxOutputTokens: 16 } });
  });

  it('stream: :streamGenerateContent?alt=sse, ended by the chunk with a finishReason', async () => {
    env.fake.enqueue('vertexGemini', { deltas: ['Gem', 'ini'], usage: { input: 4, output: 2 } });
    const { texts, done } = await drain(env.adapter.stream(request({ model }), signal()));
    expect(texts).toEqual(['Gem', 'ini']);
    expect(done.usage).toMatchObject({ input_tokens: 4, output_tokens: 2 });
    const rec = env.fake.lastRequest('vertexGemini');
    expect(rec?.path).toMatch(/:streamGenerateContent$/);
    expect(rec?.query.alt).toBe('sse');
  });

  it('a stream cut before the finishReason is truncated', async () => {
    env.fake.enqueue('vertexGemini', { deltas: ['a', 'b', 'c'], fault: { kind: 'truncate', afterDeltas: 2 } });
    const { error } = await drainToError(env.adapter.stream(request({ model }), signal()));
    expect(error).toMatchObject({ provider: 'geminiVertex', kind: 'truncated' });
  });

  it('a 429 RESOURCE_EXHAUSTED with RetryInfo is rate_limited with the wait', async () => {
    env.fake.enqueue('vertexGemini', { status: 429, error: { retryDelay: '9s', quotaFailure: false } });
    const err = await upstreamError(env.adapter.chat(request({ model }), signal()));
    expect(err).toMatchObject({ provider: 'geminiVertex', status: 429, providerType: 'RESOURCE_EXHAUSTED' });
    expect(classifyCode(err)).toBe('rate_limited');
    expect(retryAfterMs(err)).toBe(9000);
  });

  it.each([
    [400, 'invalid_request'],
    [403, 'permission'],
    [404, 'not_found'],
    [500, 'server_error'],
    [503, 'overloaded'],
  ])('HTTP %i maps to %s', async (status, code) => {
    env.fake.enqueue('vertexGemini', { status });
    const err = await upstreamError(env.adapter.chat(request({ model }), signal()));
    expect(classifyCode(err)).toBe(code);
  });

  it('without usable credentials: an auth failure that says how to log in, nothing sent', async () => {
    const before = env.fake.requestsFor('vertexGemini').length;
    await withEnv({ GOOGLE_APPLICATION_CREDENTIALS: `${adc.dir}/missing.json` }, async () => {
      const adapter = createGeminiVertexAdapter({
        apiKey: '',
        baseURL: env.fake.baseURL('vertexGemini'),
        platform: { project: 'fake-proj', location: 'global' },
      });
      const err = await upstreamError(adapter.chat(request({ model }), signal()));
      expect(classifyCode(err)).toBe('auth');
      expect(err.message).toMatch(/gcloud auth application-default login/);
    });
    expect(env.fake.requestsFor('vertexGemini')).toHaveLength(before);
  });
});
