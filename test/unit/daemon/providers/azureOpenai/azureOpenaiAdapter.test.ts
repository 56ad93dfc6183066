import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../../protocol';
import { createAzureOpenAIAdapter } from '../../../../../daemon/providers/azureOpenai/azureOpenaiAdapter';
import { classifyCode, retryAfterMs } from '../../../../../daemon/resilience/classify';
import type { ProviderAdapter } from '../../../../../daemon/providers/types';
import { drain, drainToError, request, signal, upstreamError, useAdapter } from '../adapterHarness';
import { withEnv } from '../platformEnv';

const apiKey = 'azure-key-FAKE-0123456789abcdef';
const env = useAdapter<ProviderAdapter>((fake) =>
  createAzureOpenAIAdapter({
    apiKey,
    baseURL: fake.baseURL('azure'),
    platform: { apiVersion: '2024-10-21', deployments: { 'gpt-5.4-mini': 'prod-mini' } },
  }),
);

describe("Azure OpenAI through the openai SDK's AzureOpenAI client", () => {
  it('chat: the deployment configured for the model, the api-version and the api-key header', async () => {
    env.fake.enqueue('azure', {
      text: 'Hi from Azure',
      model: 'gpt-5.4-mini-2026-03-17',
      usage: { input: 10, output: 3, cacheRead: 4 },
    });
    const res = await env.adapter.chat(request({ model: 'gpt-5.4-mini', maxTokens: 16 }), signal());
    expect(res).toMatchObject({
      text: 'Hi from Azure',
      model: 'gpt-5.4-mini-2026-03-17',
      usage: { input_tokens: 10, output_tokens: 3, cache_read_tokens: 4 },
    });
    const rec = env.fake.lastRequest('azure');
    expect(rec?.path).toBe('/openai/deployments/prod-mini/chat/completions');
    expect(rec?.query['api-version']).toBe('2024-10-21');
    expect(rec?.headers['api-key']).toBe(apiKey);
    expect(rec?.headers.authorization).toBeUndefined();
    expect(rec?.body).toMatchObject({ max_completion_tokens: 16 });
    expect(res.headers['x-ratelimit-remaining-requests']).toBe('249');
  });

  it("OpenAI's organization and project variables never reach Azure", async () => {
    await withEnv({ OPENAI_ORG_ID: 'org-FAKE', OPENAI_PROJECT_ID: 'proj_FAKE' }, async () => {
      const adapter = createAzureOpenAIAdapter({ apiKey, baseURL: env.fake.baseURL('azure') });
      await adapter.chat(request({ model: 'gpt-5.4-mini' }), signal());
    });
    const rec = env.fake.lastRequest('azure');
    expect(rec?.headers['openai-organization']).toBeUndefined();
    expect(rec?.headers['openai-project']).toBeUndefined();
    expect(rec?.query['api-version']).toBe('2024-10-21');
  });

  it('a model without a configured deployment goes to a deployment of its own name', async () => {
    await env.adapter.chat(request({ model: 'gpt-5.6-luna' }), signal());
    expect(env.fake.lastRequest('azure')?.path).toBe('/openai/deployments/gpt-5.6-luna/chat/completions');
  });

  it('stream: skips the prompt-filter chunk, yields the deltas and the usage chunk', async () => {
    env.fake.enqueue('azure', { deltas: ['Az', 'ure'], usage: { input: 5, output: 2 } });
    const { texts, done } = await drain(env.adapter.stream(request({ model: 'gpt-5.4-mini' }), signal()));
    expect(texts).toEqual(['Az', 'ure']);
    expect(done).toMatchObject({ stopReason: 'stop', usage: { input_tokens: 5, output_tokens: 2 } });
    expect(env.fake.lastRequest('azure')?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('a stream that ends after the finish but before the usage chunk is truncated', async () => {
    env.fake.enqueue('azure', { deltas: ['a'], fault: { kind: 'truncate', afterDeltas: 1 } });
    const { error } = await drainToError(env.adapter.stream(request({ model: 'gpt-5.4-mini' }), signal()));
    expect(classifyCode(error)).toBe('stream_interrupted');
  });

  it('a 429 with retry-after is rate_limited and the wait is read', async () => {
    env.fake.enqueue('azure', { status: 429, headers: { 'retry-after': '6' } });
    const err = await upstreamError(env.adapter.chat(request({ model: 'gpt-5.4-mini' }), signal()));
    expect(err).toMatchObject({ provider: 'azureOpenai', status: 429, providerCode: '429' });
    expect(err.message).toMatch(/exceeded token rate limit/);
    expect(classifyCode(err)).toBe('rate_limited');
    expect(retryAfterMs(err)).toBe(6000);
  });

  it.each([
    [401, undefined, 'auth'],
    [404, undefined, 'not_found'],
    [400, 'content_filter', 'content_filtered'],
    [500, undefined, 'server_error'],
  ])('HTTP %i (%s) maps to %s, and the key is never in the message', async (status, code, expected) => {
    env.fake.enqueue('azure', { status, error: { ...(code ? { code } : {}), message: `refused for ${apiKey}` } });
    const err = await upstreamError(env.adapter.chat(request({ model: 'gpt-5.4-mini' }), signal()));
    expect(classifyCode(err)).toBe(expected);
    expect(err.message).not.toContain(apiKey);
  });

  it('without an endpoint it refuses to build, saying which setting to set', () => {
    let thrown: unknown;
    try {
      createAzureOpenAIAdapter({ apiKey, baseURL: '' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConduitError);
    expect((thrown as ConduitError).data).toMatchObject({ code: 'invalid_request', provider: 'azureOpenai' });
    expect((thrown as ConduitError).message).toMatch(/AZURE_OPENAI_ENDPOINT/);
  });
});
