import { describe, expect, it } from 'vitest';
import type { ChatResult, StatusResult } from '../../protocol';
import { useDaemonAndFake } from './harness';

/** No chain configured and several providers with keys: a failing primary falls back to them. */
describe('resilient by default: the automatic fallback chain', () => {
  const env = useDaemonAndFake({
    env: { CONDUIT_AUTO_FALLBACK: '1' },
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
