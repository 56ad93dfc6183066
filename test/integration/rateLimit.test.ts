import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import { ConduitError, type ChatResult } from '../../protocol';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, waitFor } from './harness';
import { ask, limitedDaemon, promptOf } from './rateLimitHelpers';

/** The requests bucket of 100 after one request: 9 left and filling, or full again. */
function requestsBucket(remaining: number | undefined): unknown {
  return remaining === 10
    ? { kind: 'requests', limit: 100, remaining: 10, fullAt: null }
    : { kind: 'requests', limit: 100, remaining: 9, fullAt: expect.any(Number) };
}

/** Priority, adaptation to the provider, and oversize requests, through the real daemon and SDKs. */
describe('rate limits through the real daemon', () => {
  let fake: FakeProviderServer;
  const opened: Array<{ h: DaemonHarness; client: DaemonClient }> = [];
  const daemon = async (rateLimit: unknown) => {
    const d = await limitedDaemon(fake.url, rateLimit);
    opened.push(d);
    return d;
  };

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
  });
  afterEach(async () => {
    for (const d of opened.splice(0)) {
      d.client.close();
      await d.h.dispose();
    }
    fake.reset();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it('interactive requests overtake queued background ones', async () => {
    // 60 RPM with a burst of 1: one request a second. A 429 first pauses the limiter for 20 s (one
    // attempt, so nothing retries): everything below queues behind the pause, and the status shows
    // it all queued at once before the pause ends, so the order after it is the queue's, not a race.
    const h = new DaemonHarness(fake.url);
    fs.writeFileSync(
      path.join(h.home, 'config.json'),
      JSON.stringify({
        rateLimit: { tier: 'custom', overrides: { openai: { rpm: 60, burst: 1 } } },
        resilience: { maxAttempts: 1 },
      }),
    );
    const client = await h.connect();
    opened.push({ h, client });
    fake.enqueue('openai', { status: 429, headers: { 'retry-after': '20' } });
    const blocker = await client.chat(ask('openai', 'pauses everyone'));
    expect(blocker.attemptLog.map((a) => a.error)).toEqual(['rate_limited']);
    const results: Array<Promise<ChatResult>> = [];
    for (let i = 0; i < 4; i++) results.push(client.chat(ask('openai', `background ${i}`, { priority: 'background' })));
    await waitFor(
      async () => (await h.status()).rateLimits[0]?.queued.background === 4,
      20_000,
      'four background requests queued',
    );
    for (let i = 0; i < 2; i++) results.push(client.chat(ask('openai', `interactive ${i}`)));
    await waitFor(
      async () => {
        const openai = (await h.status()).rateLimits[0];
        const all = openai?.queued.interactive === 2 && openai.queued.background === 4;
        if (!all && openai?.pausedUntil === null) throw new Error('the pause ended before everything queued');
        return all;
      },
      20_000,
      'all six queued behind the pause',
    );
    await Promise.all(results);
    expect(fake.requestsFor('openai').map(promptOf)).toEqual([
      'pauses everyone',
      'interactive 0',
      'interactive 1',
      'background 0',
      'background 1',
      'background 2',
      'background 3',
    ]);
  });

  it("headers reporting no capacity left slow the limiter to the provider's refill, without holding until the reset", async () => {
    // 60 RPM, a bucket of 100... tightened by the provider: its limit is 60 and it is empty, full
    // again in a minute, so the next request may go one refill interval (1 s) later, not at the reset.
    const { client } = await daemon({ tier: 'custom', overrides: { anthropic: { rpm: 6000, burst: 100 } } });
    // By the provider's account the bucket was empty at `emptyAt` and is full at the reset.
    const emptyAt = Date.now();
    const reset = new Date(emptyAt + 60_000).toISOString();
    fake.enqueue('anthropic', {
      headers: {
        'anthropic-ratelimit-requests-limit': '60',
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': reset,
      },
    });
    await client.chat(ask('anthropic', 'first'));
    await client.chat(ask('anthropic', 'second'));
    const [, second] = fake.requestsFor('anthropic');
    // One refill interval after the bucket emptied, never sooner, and long before the reset.
    expect(second!.receivedAt).toBeGreaterThanOrEqual(emptyAt + 1000);
    expect(second!.receivedAt).toBeLessThan(emptyAt + 60_000);
  });

  it('a 429 with retry-after: 2 pauses every client of the daemon for about 2 s', async () => {
    const { h, client } = await daemon({ tier: 'custom', overrides: { openai: { rpm: 6000, burst: 100 } } });
    const other = await h.connect();
    try {
      fake.enqueue('openai', { status: 429, headers: { 'retry-after': '2' } });
      const first = client.chat(ask('openai', 'hits the limit'));
      const [limited] = await fake.waitForRequests(1, 20_000);
      // The daemon has read the 429 once its status shows the pause; the other window asks after that.
      let pausedUntil = 0;
      await waitFor(
        async () => {
          const openai = (await h.status()).rateLimits.find((r) => r.provider === 'openai');
          pausedUntil = openai?.pausedUntil ?? 0;
          return pausedUntil > 0;
        },
        20_000,
        'the pause after the 429',
      );
      const seenAt = Date.now();
      // 2 s from the moment the daemon read the 429: after the fake sent it, before the status showed it.
      expect(pausedUntil).toBeGreaterThanOrEqual(limited!.receivedAt + 2000);
      expect(pausedUntil).toBeLessThanOrEqual(seenAt + 2000);
      const second = other.chat(ask('openai', 'another window'));
      const [a, b] = await Promise.all([first, second]);
      expect(a.attempts).toBe(2);
      expect(b.attempts).toBe(1);
      // Neither the retry nor the other window's request went out before the pause ended.
      for (const r of fake.requestsFor('openai').slice(1)) expect(r.receivedAt).toBeGreaterThanOrEqual(pausedUntil);
    } finally {
      other.close();
    }
  });

  it("a request over a whole minute's token allowance fails at once with too_large, and nothing is sent", async () => {
    const { h, client } = await daemon({ tier: 'custom', overrides: { openai: { rpm: 100, tpm: 1000 } } });
    // Refused, not queued: a request that waited for capacity would wait forever (it can never fit).
    const err = await client.chat(ask('openai', 'write a novel', { max_tokens: 2000 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConduitError);
    const data = (err as ConduitError).data;
    expect(data.code).toBe('too_large');
    expect(data.message).toMatch(
      /OpenAI's tokens-per-minute limit .* but the limit for this key is 1,000, so it can never be sent\. Lower max_tokens/,
    );
    expect(fake.requestsFor('openai')).toHaveLength(0);
    const cli = await h.cli(['ask', '--provider', 'openai', '--max-tokens', '5000', '--no-stream', 'too big']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^conduit: too_large: /);
    expect(fake.requestsFor('openai')).toHaveLength(0);
  });

  it('status shows the headroom per provider and key, never the key', async () => {
    const { h, client } = await daemon({ tier: 'custom', overrides: { openai: { rpm: 100, burst: 10, tpm: 10_000 } } });
    await client.chat(ask('openai', 'one'));
    const status = await h.status();
    expect(status.rateLimits).toEqual([
      {
        provider: 'openai',
        keyId: expect.stringMatching(/^[0-9a-f]{8}$/),
        tier: 'custom',
        buckets: [
          // One request refills in 0.6 s, and a loaded machine may take that long to ask.
          requestsBucket(status.rateLimits[0]?.buckets[0]?.remaining),
          // The 19 tokens the answer used refill in about 0.1 s, so by now the bucket may be full again (fullAt null).
          {
            kind: 'tokens',
            limit: 10_000,
            remaining: expect.any(Number),
            fullAt:
              status.rateLimits[0]?.buckets[1]?.fullAt === null ? null : (expect.any(Number) as unknown as number),
          },
        ],
        queued: { interactive: 0, background: 0 },
        pausedUntil: null,
      },
    ]);
    const human = await h.cli(['status']);
    // One request refills in 0.6 s, so by the time the CLI asks the bucket may be full again.
    expect(human.stdout).toMatch(
      /rate limits\n {4}openai key [0-9a-f]{8} \(custom\): requests (9|10)\/100, tokens \w+\/10k; queued 0/,
    );
    expect(JSON.stringify(status)).not.toContain('sk-test-FAKE');
  });
});
