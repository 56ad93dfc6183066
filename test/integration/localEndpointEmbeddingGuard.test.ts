import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDaemonAndFake, waitFor } from './harness';
import { endpointToken, freePort, ledgerRows, writeConfig } from './localEndpointHelpers';

// Obviously fake, but shaped like an OpenAI project key, so the secret scanner knows it for one.
const FAKE_KEY = 'sk-proj-FAKEfake0123456789FAKEfake0123456789';

type ApiError = InstanceType<typeof OpenAI.APIError>;

/**
 * `/v1/embeddings` inputs meet the input guard a chat prompt meets over IPC: the secret policy
 * per feature, the per-feature size limits, and moderation where it is on; refusals come back in
 * OpenAI's error shape with `param: "input"`, and nothing reaches the provider.
 */
describe('local endpoint: embedding inputs under the input guard', () => {
  const env = useDaemonAndFake();
  let openai: OpenAI;
  const embed = (feature: string, input: string | string[]) =>
    openai.embeddings
      .create({ model: 'text-embedding-3-small', input }, { headers: { 'x-conduit-feature': feature } })
      .withResponse();
  const refusal = async (feature: string, input: string | string[]): Promise<ApiError> => {
    const err = await embed(feature, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    return err as ApiError;
  };

  beforeAll(async () => {
    const port = await freePort();
    writeConfig(env.h, {
      server: { enabled: true, port },
      rateLimit: { enabled: false },
      guard: {
        secretsByFeature: { strict: 'block' },
        maxCharsByFeature: { short: 20 },
        maxTokensByFeature: { few: 2 },
        moderationFeatures: ['moderated'],
      },
    });
    (await env.h.connect()).close();
    openai = new OpenAI({ apiKey: endpointToken(env.h), baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  it('a secret in an input is redacted before it is sent (the default), and the answer says so', async () => {
    const { data, response } = await embed('notes', ['plain text', `deploy with ${FAKE_KEY} today`]);
    expect(data.data).toHaveLength(2);
    expect(response.headers.get('x-conduit-redacted')).toBe('1 openai key');
    expect(env.fake.embeddings.calls).toHaveLength(1);
    const sent = env.fake.embeddings.calls[0]!.inputs;
    expect(sent[0]).toBe('plain text');
    expect(sent[1]).not.toContain(FAKE_KEY);
    expect(sent[1]).toMatch(/^deploy with .+ today$/);
  });

  it('a chat prompt meets the same guard: the secret is redacted upstream and x-conduit-redacted says so', async () => {
    const { response } = await openai.chat.completions
      .create(
        { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: `is ${FAKE_KEY} valid?` }] },
        { headers: { 'x-conduit-feature': 'notes' } },
      )
      .withResponse();
    expect(response.headers.get('x-conduit-redacted')).toBe('1 openai key');
    expect(JSON.stringify(env.fake.lastRequest('openai')!.body)).not.toContain(FAKE_KEY);
  });

  it('a feature that blocks secrets refuses the request: 400 guard_blocked, param input, nothing sent', async () => {
    const err = await refusal('strict', ['fine', `key=${FAKE_KEY}`]);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('guard_blocked');
    expect(err.param).toBe('input');
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toContain('Input 1 contains what looks like a secret');
    expect(err.message).toContain('guard.secretsByFeature["strict"]');
    expect(err.message).not.toContain(FAKE_KEY);
    expect(err.headers?.get('x-should-retry')).toBe('false');
    expect(env.fake.embeddings.calls).toHaveLength(0);
    const rows = (await ledgerRows(env.h)).filter((r) => r.feature === 'strict');
    expect(rows.map((r) => r.errorCode)).toEqual(['guard_blocked']);
  });

  it("the feature's character and token limits apply to all inputs together: 413 too_large, nothing sent", async () => {
    const chars = await refusal('short', ['0123456789', '0123456789x']);
    expect(chars.status).toBe(413);
    expect(chars.code).toBe('too_large');
    expect(chars.param).toBe('input');
    expect(chars.message).toContain('The 2 inputs are 21 characters together; the limit for "short" is 20');
    expect(chars.message).toContain('guard.maxCharsByFeature["short"]');
    const tokens = await refusal('few', 'twelve chars');
    expect(tokens.status).toBe(413);
    expect(tokens.message).toContain('guard.maxTokensByFeature["few"]');
    // Within the limit, the same feature is served.
    await embed('short', ['0123456789', '012345678']);
    expect(env.fake.embeddings.calls).toHaveLength(1);
  });

  it('a moderated feature sends a flagged input nowhere; an unflagged one goes through', async () => {
    const err = await refusal('moderated', ['hello', 'FLAG-ME please']);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('guard_blocked');
    expect(err.message).toContain('moderation check flagged');
    expect(env.fake.embeddings.calls).toHaveLength(0);
    await embed('moderated', ['hello', 'a kind sentence']);
    expect(env.fake.embeddings.calls).toHaveLength(1);
  });
});

describe('local endpoint: identical embedding requests in flight share one upstream call', () => {
  const env = useDaemonAndFake();
  let openai: OpenAI;

  beforeAll(async () => {
    const port = await freePort();
    writeConfig(env.h, { server: { enabled: true, port }, rateLimit: { enabled: false }, logLevel: 'debug' });
    (await env.h.connect()).close();
    openai = new OpenAI({ apiKey: endpointToken(env.h), baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  it('three at once: one call, the same vectors for all, one billed row and two coalesced rows', async () => {
    // The provider answers once every caller has joined: no timer decides who arrives first.
    let release!: () => void;
    env.fake.embeddings.holdUntil = new Promise<void>((r) => (release = r));
    const ask = () =>
      openai.embeddings
        .create(
          { model: 'text-embedding-3-small', input: ['same', 'texts'] },
          { headers: { 'x-conduit-feature': 'co' } },
        )
        .withResponse();
    const calls = [ask(), ask(), ask()];
    await env.fake.embeddings.waitForCalls(1);
    const joined = () => env.h.logText().match(/"msg":"embeddings joined a request in flight"/g)?.length ?? 0;
    await waitFor(() => joined() >= 2, 60_000, 'two requests joining the one in flight');
    release();
    const answers = await Promise.all(calls);
    expect(env.fake.embeddings.calls).toHaveLength(1);
    const vectors = answers.map((a) => a.data.data.map((d) => d.embedding));
    expect(vectors[1]).toEqual(vectors[0]);
    expect(vectors[2]).toEqual(vectors[0]);
    expect(answers.map((a) => a.response.headers.get('x-conduit-cost-usd')).filter((c) => c !== '0')).toHaveLength(1);

    const rows = (await ledgerRows(env.h)).filter((r) => r.feature === 'co');
    expect(rows).toHaveLength(3);
    const billed = rows.filter((r) => !r.coalesced);
    expect(billed).toHaveLength(1);
    expect(billed[0]!.costUsd).toBeGreaterThan(0);
    expect(rows.filter((r) => r.coalesced).map((r) => [r.costUsd, r.errorCode])).toEqual([
      [0, null],
      [0, null],
    ]);
    // Once the call is over, the same request is a cache hit, not another flight.
    const again = await ask();
    expect(again.response.headers.get('x-conduit-cache')).toBe('exact');
    expect(env.fake.embeddings.calls).toHaveLength(1);
  });

  it('the first caller leaving does not cut the call: the other is served, the call billed to the first', async () => {
    let release!: () => void;
    env.fake.embeddings.holdUntil = new Promise<void>((r) => (release = r));
    const count = (msg: string) => env.h.logText().split(`"msg":"${msg}"`).length - 1;
    const joinedBefore = count('embeddings joined a request in flight');
    const leftBefore = count('embeddings caller left a request in flight');
    const gone = new AbortController();
    const ask = (signal?: AbortSignal) =>
      openai.embeddings.create(
        { model: 'text-embedding-3-small', input: 'first one leaves' },
        { headers: { 'x-conduit-feature': 'co-leave' }, ...(signal ? { signal } : {}) },
      );
    const first = ask(gone.signal).catch((e: unknown) => e);
    await env.fake.embeddings.waitForCalls(1);
    const second = ask();
    await waitFor(() => count('embeddings joined a request in flight') > joinedBefore, 60_000, 'the second joining');
    gone.abort();
    expect(await first).toBeInstanceOf(OpenAI.APIUserAbortError);
    await waitFor(() => count('embeddings caller left a request in flight') > leftBefore, 60_000, 'the first leaving');
    release();
    expect((await second).data).toHaveLength(1);
    expect(env.fake.embeddings.calls).toMatchObject([{ outcome: 'finished' }]);
    const rows = (await ledgerRows(env.h)).filter((r) => r.feature === 'co-leave');
    expect(rows.map((r) => [r.coalesced, r.errorCode, (r.costUsd ?? 0) > 0]).sort()).toEqual([
      [false, null, true],
      [true, null, false],
    ]);
  });

  it("a failed shared call is every caller's error, each with its own ledger row", async () => {
    let release!: () => void;
    env.fake.embeddings.holdUntil = new Promise<void>((r) => (release = r));
    env.fake.embeddings.failNext(400, { message: 'Invalid input' });
    const before = env.h.logText().match(/"msg":"embeddings joined a request in flight"/g)?.length ?? 0;
    const ask = () =>
      openai.embeddings
        .create(
          { model: 'text-embedding-3-small', input: 'will fail' },
          { headers: { 'x-conduit-feature': 'co-fail' } },
        )
        .catch((e: unknown) => e);
    const calls = [ask(), ask()];
    await env.fake.embeddings.waitForCalls(1);
    await waitFor(
      () => (env.h.logText().match(/"msg":"embeddings joined a request in flight"/g)?.length ?? 0) > before,
      60_000,
      'the second request joining the first',
    );
    release();
    const errors = await Promise.all(calls);
    expect(errors.every((e) => e instanceof OpenAI.BadRequestError)).toBe(true);
    expect(env.fake.embeddings.calls).toHaveLength(1);
    const rows = (await ledgerRows(env.h)).filter((r) => r.feature === 'co-fail');
    expect(rows.map((r) => r.errorCode)).toEqual(['invalid_request', 'invalid_request']);
    expect(new Set(rows.map((r) => r.requestId)).size).toBe(2);
  });
});
