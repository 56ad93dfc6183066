import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDaemonAndFake, waitFor } from './harness';
import { endpointToken, freePort, ledgerRows, writeConfig } from './localEndpointHelpers';

async function startEndpoint(env: ReturnType<typeof useDaemonAndFake>, config: object): Promise<OpenAI> {
  const port = await freePort();
  writeConfig(env.h, { server: { enabled: true, port }, ...config });
  (await env.h.connect()).close();
  return new OpenAI({ apiKey: endpointToken(env.h), baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
}

/**
 * `/v1/embeddings` through the official OpenAI SDK meets the policies a chat request meets: the
 * exact cache, retries that honour Retry-After, the breaker, and a ledger row with its cost.
 */
describe('local endpoint: embeddings under the cache, retries and breaker', () => {
  const env = useDaemonAndFake();
  let openai: OpenAI;

  beforeAll(async () => {
    openai = await startEndpoint(env, {
      rateLimit: { enabled: false },
      // Backoff of a millisecond: the retries are counted, not timed.
      resilience: { baseDelayMs: 1, maxDelayMs: 5, breaker: { consecutiveFailures: 2, openMs: 600_000 } },
    });
  });

  it('the same model and inputs again are an exact cache hit that reaches no provider; other inputs are not', async () => {
    const ask = (input: string[], feature = 'emb-cache') =>
      openai.embeddings
        .create({ model: 'text-embedding-3-small', input }, { headers: { 'x-conduit-feature': feature } })
        .withResponse();
    const first = await ask(['alpha', 'beta']);
    expect(first.response.headers.get('x-conduit-cache')).toBe('none');
    expect(env.fake.embeddings.calls).toHaveLength(1);
    const second = await ask(['alpha', 'beta']);
    expect(second.response.headers.get('x-conduit-cache')).toBe('exact');
    expect(second.data.data.map((d) => d.embedding)).toEqual(first.data.data.map((d) => d.embedding));
    expect(second.data.usage).toEqual(first.data.usage);
    expect(env.fake.embeddings.calls).toHaveLength(1);
    // Another order is another request: each vector belongs to its position.
    const swapped = await ask(['beta', 'alpha']);
    expect(swapped.response.headers.get('x-conduit-cache')).toBe('none');
    expect(env.fake.embeddings.calls).toHaveLength(2);

    const rows = (await ledgerRows(env.h)).filter((r) => r.feature === 'emb-cache');
    expect(rows.map((r) => r.cache)).toEqual(['none', 'exact', 'none']);
    // text-embedding-3-small at its list price; the hit spent nothing and saved what the miss cost.
    expect(rows[0]!.costUsd).toBeGreaterThan(0);
    expect(rows[1]).toMatchObject({ costUsd: 0, costSavedUsd: rows[0]!.costUsd, errorCode: null });
    expect(rows.every((r) => r.model === 'text-embedding-3-small' && r.provider === 'openai')).toBe(true);
  });

  it('dimensions reaches the provider (OpenAI and Gemini) and the vectors have that length; another length is another cache entry', async () => {
    const ask = (model: string, dimensions?: number) =>
      openai.embeddings
        .create({ model, input: ['short vectors'], ...(dimensions ? { dimensions } : {}) })
        .withResponse();
    const eight = await ask('text-embedding-3-small', 8);
    expect(eight.data.data[0]!.embedding).toHaveLength(8);
    expect(env.fake.embeddings.calls[0]).toMatchObject({ provider: 'openai', dimensions: 8 });
    const full = await ask('text-embedding-3-small');
    expect(full.response.headers.get('x-conduit-cache')).toBe('none');
    expect(full.data.data[0]!.embedding).toHaveLength(16);
    expect((await ask('text-embedding-3-small', 8)).response.headers.get('x-conduit-cache')).toBe('exact');
    const gemini = await ask('gemini-embedding-001', 4);
    expect(gemini.data.data[0]!.embedding).toHaveLength(4);
    expect(env.fake.embeddings.calls.map((c) => [c.provider, c.dimensions])).toEqual([
      ['openai', 8],
      ['openai', undefined],
      ['gemini', 4],
    ]);
  });

  it("a 429 with retry-after-ms is retried after the provider's hint, and the client gets the vectors", async () => {
    env.fake.embeddings.failNext(429, { message: 'Rate limit reached' }, { 'retry-after-ms': '20' });
    const r = await openai.embeddings.create(
      { model: 'text-embedding-3-small', input: 'retried text' },
      { headers: { 'x-conduit-feature': 'emb-retry' } },
    );
    expect(r.data).toHaveLength(1);
    expect(env.fake.embeddings.calls).toHaveLength(2);
    const row = (await ledgerRows(env.h)).find((x) => x.feature === 'emb-retry');
    expect(row).toMatchObject({ attempts: 2, errorCode: null });
    await waitFor(
      () => /"msg":"retry".*"source":"hint"/.test(env.h.logText()),
      10_000,
      'the retry log line naming the hint',
    );
  });

  it('repeated 5xx open the circuit: the next request is refused with 503 and nothing is sent', async () => {
    env.fake.embeddings.failNext(500);
    env.fake.embeddings.failNext(500);
    const model = 'text-embedding-3-large';
    const failed = await openai.embeddings.create({ model, input: 'x' }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect(env.fake.embeddings.calls).toHaveLength(2);
    const refused = await openai.embeddings.create({ model, input: 'y' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.InternalServerError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('circuit_open');
    expect(env.fake.embeddings.calls).toHaveLength(2);
    // The circuit is the model's: another embedding model still answers.
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'still up' });
    expect(env.fake.embeddings.calls).toHaveLength(3);
  });
});

describe('local endpoint: embeddings under budgets and the rate limiter', () => {
  const env = useDaemonAndFake();
  let openai: OpenAI;

  beforeAll(async () => {
    openai = await startEndpoint(env, {
      budgets: { byFeature: { tight: { dailyUsd: 0 } } },
      // One request a minute and no waiting room: the second is refused at once.
      rateLimit: { tier: 'custom', overrides: { openai: { rpm: 1, burst: 1 } }, maxQueue: 0 },
      cache: { enabled: false },
    });
  });

  it('a spent budget is a RateLimitError (budget_exceeded, x-should-retry false), nothing sent, one ledger row', async () => {
    const err = await openai.embeddings
      .create({ model: 'text-embedding-3-small', input: 'over budget' }, { headers: { 'x-conduit-feature': 'tight' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.code).toBe('budget_exceeded');
    expect(e.message).toMatch(/budget/);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(env.fake.embeddings.calls).toHaveLength(0);
    const rows = (await ledgerRows(env.h)).filter((r) => r.feature === 'tight');
    expect(rows.map((r) => r.errorCode)).toEqual(['budget_exceeded']);
  });

  it("the provider's limiter is shared: the second request of the minute is a RateLimitError with retry-after", async () => {
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'first' });
    const err = await openai.embeddings
      .create({ model: 'text-embedding-3-small', input: 'second' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('queue_full');
    expect(Number((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(env.fake.embeddings.calls).toHaveLength(1);
    // A chat request to the same provider and key waits in the same buckets.
    const chat = await openai.chat.completions
      .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.RateLimitError);
    expect(env.fake.requestsFor('openai')).toHaveLength(0);
  });
});
