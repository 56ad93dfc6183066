import { describe, expect, it } from 'vitest';
import { createAnthropicBedrockAdapter } from '../../../../../daemon/providers/anthropicBedrock/anthropicBedrockAdapter';
import { classifyCode } from '../../../../../daemon/resilience/classify';
import type { ProviderAdapter } from '../../../../../daemon/providers/types';
import { parseSigV4 } from '../../../../fakes/bedrockWire';
import { verifySigV4 } from '../../../../fakes/sigv4';
import { drain, drainToError, request, signal, upstreamError, useAdapter } from '../adapterHarness';
import { useEnv, withEnv } from '../platformEnv';

// Obviously fake AWS credentials, found by the SDK's own default chain (the environment).
const accessKeyId = 'AKIAFAKEFAKEFAKE0001';
const secretAccessKey = 'fake-secret-do-not-use-0000000000000000';
useEnv({
  AWS_ACCESS_KEY_ID: accessKeyId,
  AWS_SECRET_ACCESS_KEY: secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_BEARER_TOKEN_BEDROCK: undefined,
  AWS_EC2_METADATA_DISABLED: 'true',
});

const model = 'global.anthropic.claude-sonnet-5-5';
const env = useAdapter<ProviderAdapter>((fake) =>
  createAnthropicBedrockAdapter({ apiKey: '', baseURL: fake.baseURL('bedrock'), platform: { region: 'eu-west-3' } }),
);

describe('Claude on Bedrock through @anthropic-ai/bedrock-sdk', () => {
  it('chat: InvokeModel, SigV4-signed with the AWS chain for the configured region, Anthropic body without the model', async () => {
    env.fake.enqueue('bedrock', { text: 'Hi from Bedrock', usage: { input: 9, output: 4, cacheRead: 2 } });
    const res = await env.adapter.chat(request({ model, maxTokens: 16, system: 'Be brief' }), signal());
    expect(res).toMatchObject({
      text: 'Hi from Bedrock',
      stopReason: 'end_turn',
      usage: { input_tokens: 11, output_tokens: 4, cache_read_tokens: 2 },
    });
    const rec = env.fake.lastRequest('bedrock');
    expect(rec?.path).toBe(`/model/${model}/invoke`);
    const sig = parseSigV4(Object.fromEntries(Object.entries(rec?.headers ?? {})));
    expect(sig).toMatchObject({ accessKeyId, region: 'eu-west-3', service: 'bedrock' });
    // The signature covers the request exactly as it arrived (path, headers, body)…
    expect(rec && verifySigV4(rec, secretAccessKey)).toEqual({ ok: true });
    // …and a different secret would not have produced it.
    expect(rec && verifySigV4(rec, `${secretAccessKey}x`).ok).toBe(false);
    // Bedrock takes the API version in the body, where the SDK moves it from the header.
    expect(rec?.body).toMatchObject({ anthropic_version: expect.any(String), max_tokens: 16, system: 'Be brief' });
    expect(rec?.headers).not.toHaveProperty('anthropic-version');
    expect(rec?.body).not.toHaveProperty('model');
    expect(res.headers['x-amzn-requestid']).toBeTruthy();
  });

  it('stream: InvokeModelWithResponseStream, decoded from event-stream frames, one done with the final usage', async () => {
    env.fake.enqueue('bedrock', { deltas: ['Bed', 'rock', ' says hi'], usage: { input: 7, output: 3 } });
    const { texts, done } = await drain(env.adapter.stream(request({ model }), signal()));
    expect(texts).toEqual(['Bed', 'rock', ' says hi']);
    expect(done).toMatchObject({ stopReason: 'end_turn', usage: { input_tokens: 7, output_tokens: 3 } });
    const rec = env.fake.lastRequest('bedrock');
    expect(rec?.path).toBe(`/model/${model}/invoke-with-response-stream`);
    expect(rec?.body).not.toHaveProperty('stream');
    expect(rec && verifySigV4(rec, secretAccessKey)).toEqual({ ok: true });
  });

  it('a versioned model id (with ":") is signed over the path as sent (encoded once more, as SigV4 wants)', async () => {
    const versioned = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    await env.adapter.chat(request({ model: versioned }), signal());
    const rec = env.fake.lastRequest('bedrock');
    expect(rec?.model).toBe(versioned);
    expect(rec?.path).toBe(`/model/${versioned}/invoke`);
    expect(rec && verifySigV4(rec, secretAccessKey)).toEqual({ ok: true });
  });

  it('stream: frames split byte by byte still decode (prelude and CRCs checked by the SDK)', async () => {
    env.fake.enqueue('bedrock', { text: 'naïve café ☕ ok', byteByByte: true });
    const { texts } = await drain(env.adapter.stream(request({ model }), signal()));
    expect(texts.join('')).toBe('naïve café ☕ ok');
  });

  it("a ThrottlingException (429, x-amzn-ErrorType) is rate_limited, with Bedrock's message and request id", async () => {
    env.fake.enqueue('bedrock', { status: 429, headers: { 'retry-after': '2' } });
    const err = await upstreamError(env.adapter.chat(request({ model }), signal()));
    expect(err).toMatchObject({
      provider: 'anthropicBedrock',
      status: 429,
      providerType: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    expect(err.requestId).toBeTruthy();
    expect(classifyCode(err)).toBe('rate_limited');
  });

  it.each([
    [400, 'ValidationException', 'invalid_request'],
    [403, 'AccessDeniedException', 'permission'],
    [404, 'ResourceNotFoundException', 'not_found'],
    [424, 'ModelErrorException', 'server_error'],
    [500, 'InternalServerException', 'server_error'],
    [503, 'ServiceUnavailableException', 'overloaded'],
  ])('HTTP %i %s maps to %s', async (status, exception, code) => {
    env.fake.enqueue('bedrock', { status });
    const err = await upstreamError(env.adapter.chat(request({ model }), signal()));
    expect(err.providerType).toBe(exception);
    expect(classifyCode(err)).toBe(code);
  });

  it('an exception frame after two deltas is an in-band error carrying the partial text', async () => {
    env.fake.enqueue('bedrock', {
      deltas: ['one ', 'two ', 'three'],
      fault: { kind: 'sseError', afterDeltas: 2, status: 429 },
    });
    const { texts, error } = await drainToError(env.adapter.stream(request({ model }), signal()));
    expect(texts).toEqual(['one ', 'two ']);
    expect(error).toMatchObject({ kind: 'stream_error', providerType: 'throttlingException', partialText: 'one two ' });
    expect(classifyCode(error)).toBe('rate_limited');
  });

  it('a stream cut before message_stop is truncated, not a success', async () => {
    env.fake.enqueue('bedrock', { deltas: ['a', 'b'], fault: { kind: 'truncate', afterDeltas: 2 } });
    const { error } = await drainToError(env.adapter.stream(request({ model }), signal()));
    expect(error).toMatchObject({ kind: 'truncated', partialText: 'ab' });
    expect(classifyCode(error)).toBe('stream_interrupted');
  });

  it('a stored Bedrock API key is sent as a bearer token instead of a signature', async () => {
    const adapter = createAnthropicBedrockAdapter({
      apiKey: 'bedrock-api-key-FAKE-1234567890',
      baseURL: env.fake.baseURL('bedrock'),
      platform: { region: 'us-east-1' },
    });
    await adapter.chat(request({ model }), signal());
    const rec = env.fake.lastRequest('bedrock');
    expect(rec?.headers.authorization).toBe('Bearer bedrock-api-key-FAKE-1234567890');
    expect(rec?.apiKey).toBe('bedrock-api-key-FAKE-1234567890');
  });

  it('no AWS credentials anywhere is an auth failure that says how to set them up, and nothing is sent', async () => {
    await withEnv(
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      },
      async () => {
        const adapter = createAnthropicBedrockAdapter({
          apiKey: '',
          baseURL: env.fake.baseURL('bedrock'),
          platform: { region: 'us-east-1' },
        });
        const err = await upstreamError(adapter.chat(request({ model }), signal()));
        expect(classifyCode(err)).toBe('auth');
        expect(err.message).toMatch(/AWS credentials/);
        expect(err.message).toMatch(/conduit key set anthropicBedrock/);
      },
    );
    expect(env.fake.requestsFor('bedrock')).toHaveLength(0);
  });
});
