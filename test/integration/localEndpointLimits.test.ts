import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDaemonAndFake } from './harness';
import { endpointToken, freePort, ledgerRows, writeConfig } from './localEndpointHelpers';

/**
 * Conduit's own refusals reach each SDK as that SDK's error classes: a spent budget and the
 * limiter's full queue are 429s (RateLimitError) with retry-after.
 */
describe('local endpoint: budget and limiter refusals as SDK errors', () => {
  const env = useDaemonAndFake();
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    const port = await freePort();
    writeConfig(env.h, {
      server: { enabled: true, port },
      budgets: { byFeature: { tight: { dailyUsd: 0 } } },
      // One request per minute and no waiting room: the second request is refused at once.
      rateLimit: {
        tier: 'custom',
        overrides: { openai: { rpm: 1, burst: 1 }, anthropic: { rpm: 1, burst: 1 } },
        maxQueue: 0,
      },
      cache: { enabled: false },
    });
    (await env.h.connect()).close();
    const token = endpointToken(env.h);
    openai = new OpenAI({ apiKey: token, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: token, baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });

  it('a spent budget: openai.RateLimitError and Anthropic.RateLimitError, retry-after set, nothing sent', async () => {
    const tight = { headers: { 'x-conduit-feature': 'tight' } };
    const o = await openai.chat.completions
      .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'over budget' }] }, tight)
      .catch((e: unknown) => e);
    expect(o).toBeInstanceOf(OpenAI.RateLimitError);
    const oe = o as InstanceType<typeof OpenAI.RateLimitError>;
    expect(oe.status).toBe(429);
    expect(oe.code).toBe('budget_exceeded');
    expect(Number(oe.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(oe.headers?.get('x-should-retry')).toBe('false');
    const a = await anthropic.messages
      .create(
        { model: 'claude-haiku-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'over budget' }] },
        tight,
      )
      .catch((e: unknown) => e);
    expect(a).toBeInstanceOf(Anthropic.RateLimitError);
    expect((a as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
    expect(env.fake.requests).toHaveLength(0);
    const rows = (await ledgerRows(env.h)).filter((r) => r.feature === 'tight');
    expect(rows.map((r) => r.errorCode)).toEqual(['budget_exceeded', 'budget_exceeded']);
  });

  it("the limiter's full queue: the second request of the minute is a RateLimitError with retry-after", async () => {
    await openai.chat.completions.create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'first' }] });
    const o = await openai.chat.completions
      .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'second' }] })
      .catch((e: unknown) => e);
    expect(o).toBeInstanceOf(OpenAI.RateLimitError);
    expect((o as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('queue_full');
    expect(Number((o as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);

    await anthropic.messages.create({
      model: 'claude-haiku-5-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'first' }],
    });
    const stream = anthropic.messages.stream({
      model: 'claude-haiku-5-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'second' }],
    });
    const a = await stream.finalMessage().catch((e: unknown) => e);
    expect(a).toBeInstanceOf(Anthropic.RateLimitError);
    expect(Number((a as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(env.fake.requestsFor('openai')).toHaveLength(1);
    expect(env.fake.requestsFor('anthropic')).toHaveLength(1);
  });
});
