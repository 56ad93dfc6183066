import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConduitError, type CacheStatsResult, type ChatRequest, type ChatResult } from '../../protocol';
import { CacheStatsRequest } from '../../protocol';
import { DaemonHarness, ONE_PROVIDER, waitFor, useDaemonAndFake } from './harness';

/** temperature 0: deterministic, so cacheable under the default settings. */
function ask(content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: [{ role: 'user', content }], provider: 'openai', temperature: 0, ...extra };
}

async function stats(h: DaemonHarness): Promise<CacheStatsResult> {
  const client = await h.connect(false);
  try {
    return await client.connection.sendRequest(CacheStatsRequest.type, {});
  } finally {
    client.close();
  }
}

describe('response cache through the real daemon and SDK', () => {
  const env = useDaemonAndFake();

  it('never writes a secret from an answer to cache.db', async () => {
    const secret = 'AKIAFAKE0TEST0KEY000';
    env.fake.enqueue('openai', { text: `Use the key ${secret} in the config. ${'More words. '.repeat(30)}` });
    const client = await env.h.connect();
    const first = await client.chat(ask('Which key goes in the config?'));
    expect(first.text).not.toContain(secret);
    const second = await client.chat(ask('Which key goes in the config?'));
    expect(second.cache).toBe('exact');
    expect(second.text).not.toContain(secret);
    client.close();
    await env.h.cli(['stop']);
    await waitFor(() => !fs.existsSync(env.h.socketPath()), 10_000, 'the daemon to stop');
    const files = fs.readdirSync(env.h.home).filter((f) => f.startsWith('cache.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(fs.readFileSync(path.join(env.h.home, f)).includes(Buffer.from(secret)), f).toBe(false);
  });

  it('answers the second identical request from the cache, streamed as chunks; a restart keeps the entry', async () => {
    // Long enough to arrive in several chunks.
    const answer = Array.from({ length: 60 }, (_, i) => `Paris fact ${i}.`).join(' ');
    env.fake.enqueue('openai', { text: answer, usage: { input: 20, output: 12 } });
    const client = await env.h.connect();
    const first = await client.chat(ask('What is the capital of France?'));
    expect(first.cache).toBe('none');
    const second = await client.chat(ask('What is the capital of France?'));
    expect(env.fake.requestsFor('openai')).toHaveLength(1);
    expect(second).toMatchObject({
      cache: 'exact',
      text: first.text,
      attempts: 0,
      costUsd: 0,
      usage: { input_tokens: 0, output_tokens: 0 },
    });
    expect(second.costSavedUsd).toBe(first.costUsd);

    const chunks: string[] = [];
    const streamed = await client.chat(ask('What is the capital of France?  \r\n', { stream: true }), {
      onChunk: (c) => chunks.push(c.delta),
    });
    expect(streamed.cache).toBe('exact');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(first.text);
    client.close();
    expect(env.fake.requestsFor('openai')).toHaveLength(1);

    const before = await stats(env.h);
    expect(before.hits.exact).toBe(2);
    await env.h.cli(['stop']);
    await waitFor(() => !fs.existsSync(env.h.socketPath()), 10_000, 'the daemon to stop');
    expect(fs.existsSync(path.join(env.h.home, 'cache.db'))).toBe(true);

    const again = await env.h.connect();
    await waitFor(async () => (await stats(env.h)).entries > 0, 5000, 'the cache to load');
    const afterRestart = await again.chat(ask('What is the capital of France?'));
    again.close();
    expect(afterRestart.cache).toBe('exact');
    expect(afterRestart.text).toBe(first.text);
    expect(env.fake.requestsFor('openai')).toHaveLength(1); // still only the first request, from before the restart
  });

  it('10 identical concurrent requests make one upstream call; cancelling one leaves the other 9 served', async () => {
    // The answer waits until the cancelled caller has gone: no timer decides the order.
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    env.fake.enqueue('openai', { text: 'one shared answer for everyone', holdUntil: hold });
    const client = await env.h.connect();
    const cancel = new AbortController();
    const calls = Array.from({ length: 10 }, (_, i) =>
      client.chat(ask('Explain coalescing in one line'), i === 3 ? { signal: cancel.signal } : {}),
    );
    await waitFor(async () => (await env.h.status()).inFlight >= 10, 5000, 'all ten requests in the daemon');
    cancel.abort();
    await calls[3]!.catch(() => undefined);
    release();
    const settled = await Promise.allSettled(calls);
    client.close();
    const served = settled
      .filter((s): s is PromiseFulfilledResult<ChatResult> => s.status === 'fulfilled')
      .map((s) => s.value);
    expect(served).toHaveLength(9);
    expect(served.every((r) => r.text === 'one shared answer for everyone')).toBe(true);
    expect(served.filter((r) => r.coalesced === true)).toHaveLength(8);
    const rejected = settled[3] as PromiseRejectedResult;
    expect(rejected.status).toBe('rejected');
    expect(rejected.reason instanceof ConduitError && rejected.reason.code).toBe('cancelled');
    expect(env.fake.requestsFor('openai')).toHaveLength(1);
  });

  it('streaming followers receive the chunks too', async () => {
    // The stream starts once all three callers are in: a follower never arrives after it ended.
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    env.fake.enqueue('openai', { deltas: ['a ', 'b ', 'c ', 'd'], chunkDelayMs: 20, holdUntil: hold });
    const client = await env.h.connect();
    const seen: string[][] = [[], [], []];
    const calls = seen.map((into) =>
      client.chat(ask('stream to three', { stream: true }), { onChunk: (c) => into.push(c.delta) }),
    );
    await waitFor(async () => (await env.h.status()).inFlight >= 3, 5000, 'all three streams in the daemon');
    release();
    const results = await Promise.all(calls);
    client.close();
    expect(env.fake.requestsFor('openai')).toHaveLength(1);
    for (const [i, r] of results.entries()) {
      expect(r.text).toBe('a b c d');
      expect(seen[i]!.join('')).toBe('a b c d');
    }
  });

  it('a truncated stream is never cached: the next identical request goes upstream', async () => {
    env.fake.enqueue('openai', { deltas: ['partial ', 'answer ', 'cut'], fault: { kind: 'truncate', afterDeltas: 2 } });
    env.fake.enqueue('openai', { text: 'the complete answer' });
    const client = await env.h.connect();
    await expect(client.chat(ask('please do not cache a cut stream', { stream: true }))).rejects.toSatisfy(
      (e: unknown) => e instanceof ConduitError && e.code === 'stream_interrupted',
    );
    const next = await client.chat(ask('please do not cache a cut stream', { stream: true }));
    client.close();
    expect(next.cache).toBe('none');
    expect(next.text).toBe('the complete answer');
    expect(env.fake.requestsFor('openai')).toHaveLength(2);
  });

  it('a sampled request (no temperature given) is not cached by default', async () => {
    const client = await env.h.connect();
    await client.chat({ messages: [{ role: 'user', content: 'write me a poem' }], provider: 'openai' });
    const again = await client.chat({ messages: [{ role: 'user', content: 'write me a poem' }], provider: 'openai' });
    client.close();
    expect(again.cache).toBe('none');
    expect(env.fake.requestsFor('openai')).toHaveLength(2);
  });

  it('conduit cache stats and clear', async () => {
    const client = await env.h.connect();
    await client.chat(ask('stats please'));
    client.close();
    const r = await env.h.cli(['cache', 'stats', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as CacheStatsResult;
    expect(s.entries).toBeGreaterThan(0);
    expect(s.semantic.embedder).toMatch(/^lexical/);
    expect(s.semantic.threshold).toBe(0.7);
    expect(s.semantic.lexicalFigures?.corpus.pairs).toBeGreaterThanOrEqual(400);
    const text = await env.h.cli(['cache', 'stats']);
    expect(text.stdout).toMatch(/hit rate/);
    expect(text.stdout).toMatch(/quality +lexical finds \d+\.\d% of the paraphrases in the labelled corpus/);
    // The harness sets (fake) OpenAI and Gemini keys: their embeddings are offered.
    expect(s.semantic.providerAvailable).toEqual(['openai', 'gemini']);
    expect(text.stdout).toMatch(/offer +openai and gemini embeddings can be used .*recorded as feature embedding/);
    const cleared = await env.h.cli(['cache', 'clear']);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/Cleared \d+ cache entries/);
    expect((await stats(env.h)).entries).toBe(0);
  });

  it('conduit cache warm sends what is not cached yet, at background priority, and says why it skipped the rest', async () => {
    const file = path.join(env.h.home, 'warm.jsonl');
    const sampled = { ...ask('warm three'), temperature: 0.7 };
    fs.writeFileSync(
      file,
      [
        JSON.stringify(ask('warm one')),
        JSON.stringify(ask('warm two')),
        '',
        JSON.stringify(ask('warm one')),
        JSON.stringify(sampled),
      ].join('\n'),
    );
    const before = await stats(env.h);
    const r = await env.h.cli(['cache', 'warm', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Warmed 2, already cached 1, not cacheable \(temperature not 0\) 1, failed 0/);
    expect(env.fake.requestsFor('openai')).toHaveLength(2);
    // The two lookups that found nothing were warming, not misses.
    expect((await stats(env.h)).misses).toBe(before.misses);
    const client = await env.h.connect();
    expect((await client.chat(ask('warm two'))).cache).toBe('exact');
    client.close();
  });
});

describe('stale-cache fallback', () => {
  // The last resort after every provider: with one provider, its outage reaches it.
  const env = useDaemonAndFake({
    env: ONE_PROVIDER,
    config: {
      cache: { ttlMsByFeature: { news: 300 } },
      resilience: { maxAttempts: 1 },
    },
    resetEachTest: false,
  });

  it('with the provider down and the entry expired, answers from it labelled stale', async () => {
    env.fake.enqueue('openai', { text: 'yesterday’s answer' });
    const client = await env.h.connect();
    const fresh = await client.chat(ask('what is new?', { feature: 'news' }));
    expect(fresh.cache).toBe('none');
    await new Promise((r) => setTimeout(r, 400));
    env.fake.setDefault('openai', { status: 503 });
    const stale = await client.chat(ask('what is new?', { feature: 'news' }));
    client.close();
    expect(stale.cache).toBe('stale');
    expect(stale.text).toBe('yesterday’s answer');
    expect(stale.fallbacks).toEqual(['stale-cache']);
    expect(stale.degraded).toBeUndefined();
    expect(stale.attempts).toBe(1);
    expect(env.fake.requestsFor('openai')).toHaveLength(2);
  });
});
