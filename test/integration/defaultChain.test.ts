import { describe, expect, it } from 'vitest';
import type { ChatResult, StatusResult } from '../../protocol';
import { useDaemonAndFake } from './harness';

/** No chain configured and several providers with keys: a failing primary falls back to them. */
describe('resilient by default: the automatic fallback chain', () => {
  // The harness's defaults: every provider has a key and nothing turns the automatic chain on or off.
  const env = useDaemonAndFake({
    config: { provider: 'openai', resilience: { maxAttempts: 1 } },
  });

  it('an OpenAI outage is answered by another provider with a key, at the same tier, and status shows the chain', async () => {
    env.fake.setDefault('openai', { status: 503 });
    env.fake.setDefault('anthropic', { text: 'anthropic covers' });
    env.fake.setDefault('gemini', { text: 'gemini covers' });
    const r = await env.h.cli(['ask', '--json', 'What is 2+2?']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ChatResult;
    expect(result.provider).not.toBe('openai');
    expect(result.text).toMatch(/covers/);
    expect(result.fallbacks.length).toBeGreaterThan(0);
    expect(result.route?.tier).toBeDefined();
    expect(env.fake.requestsFor('openai')).toHaveLength(1);

    const s = JSON.parse((await env.h.cli(['status', '--json'])).stdout) as StatusResult;
    expect(s.fallback).toEqual({ automatic: true, chains: { '*': ['anthropic', 'gemini'] } });
    expect((await env.h.cli(['status'])).stdout).toMatch(/fallback {3}\*: anthropic → gemini \(automatic/);
  });
});

/** No config file at all: the first daemon a user with three keys gets. */
describe('resilient by default, with no config file', () => {
  const env = useDaemonAndFake();

  // A complex prompt: Anthropic's complex-tier model is the dearest, so the cost guard lets the
  // others' complex-tier models in (for a simple prompt its cheapest model has no cheaper fallback).
  const prompt =
    'Design a distributed rate limiter for a multi-region API gateway: compare token bucket and sliding ' +
    'window approaches, analyse consistency trade-offs, and write the core algorithm in TypeScript with tests.';

  it('the default provider overloaded through its retries: a complex ask is answered by another at the same tier', async () => {
    // retry-after 0: the retries happen at once, so the test waits on no backoff.
    env.fake.setDefault('anthropic', { status: 529, headers: { 'retry-after': '0' } });
    env.fake.setDefault('openai', { text: 'openai covers' });
    env.fake.setDefault('gemini', { text: 'gemini covers' });
    const r = await env.h.cli(['ask', '--json', prompt]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ChatResult;
    expect(result.provider).not.toBe('anthropic');
    expect(result.text).toMatch(/covers/);
    expect(result.route?.tier).toBe('complex');
    expect(result.fallbacks[0]).toMatch(/^(openai|gemini)\//);
    expect(result.fallbacks[0]).toBe(`${result.provider}/${result.model}`);
    expect(env.fake.requestsFor('anthropic').length).toBeGreaterThan(0);
    const s = JSON.parse((await env.h.cli(['status', '--json'])).stdout) as StatusResult;
    expect(s.fallback).toEqual({ automatic: true, chains: { '*': ['openai', 'gemini'] } });
  });
});
