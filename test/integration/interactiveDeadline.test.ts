import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../../protocol';
import { useDaemonAndFake } from './harness';

/**
 * A provider that accepts the connection and never answers holds an interactive ask for one
 * first-byte timeout (here 1 s), not every retry up to the deadline: the fallback answers.
 */
describe('interactive deadlines: a hung provider fails over at the first-byte timeout', () => {
  const env = useDaemonAndFake({
    config: {
      provider: 'anthropic',
      resilience: {
        maxAttempts: 3,
        baseDelayMs: 10,
        maxDelayMs: 20,
        timeouts: { interactiveFirstByteMs: 1000 },
        fallback: { chains: { '*': [{ provider: 'openai' }] }, allowCostlier: true },
      },
    },
  });

  it('interactive: one attempt at the hung provider, then the fallback answers', async () => {
    env.fake.setDefault('anthropic', { fault: { kind: 'hang' } });
    env.fake.setDefault('openai', { text: 'openai answers' });
    const r = await env.h.cli(['ask', '--json', 'quick question']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ChatResult;
    expect(result.provider).toBe('openai');
    expect(result.text).toBe('openai answers');
    // Not retried: the first-byte timeout moved straight to the fallback.
    expect(env.fake.requestsFor('anthropic')).toHaveLength(1);
    expect(result.attemptLog?.[0]).toMatchObject({ provider: 'anthropic', error: 'timeout' });
    await env.h.waitForLog(/"reason":"first_byte"/);
  });
});
