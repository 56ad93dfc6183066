import { describe, expect, it } from 'vitest';
import { ConduitError, type ChatRequest, type UsageRow } from '../../protocol';
import { costOf } from '../../daemon/usage/pricing';
import { FAKE_KEYS, useDaemonAndFake } from './harness';

const PRIMARY = { provider: 'anthropic' as const, model: 'claude-sonnet-5-5' };
const FALLBACK = { provider: 'openai' as const, model: 'gpt-5.4-mini' };

describe('the ledger: exactly one row per logical request, priced from reported usage', () => {
  const env = useDaemonAndFake({
    config: {
      rateLimit: { enabled: false },
      sampling: { enabled: true },
      resilience: {
        baseDelayMs: 10,
        maxDelayMs: 20,
        breaker: { consecutiveFailures: 100 },
        fallback: { chains: { '*': [FALLBACK] }, simplifiedResponse: false },
      },
    },
    resetEachTest: false,
  });

  it('across success, retries, fallbacks, cache hits, coalesced callers, cancels, broken streams and refusals', async () => {
    const client = await env.h.connect();
    const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
      messages: [{ role: 'user', content }],
      ...PRIMARY,
      ...extra,
    });
    const failed = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('expected a failure');
        },
        (e: unknown) => (e as ConduitError).code,
      );
    let logical = 0;

    // A: one success with every kind of token.
    env.fake.enqueue('anthropic', { text: 'A', usage: { input: 1000, output: 200, cacheRead: 100, cacheWrite: 50 } });
    const a = await client.chat(ask(`plain question, key ${FAKE_KEYS.OPENAI_API_KEY}`));
    logical++;
    // B: a retried stream.
    env.fake.enqueue('anthropic', { status: 500 }, { deltas: ['B1', 'B2'], usage: { input: 300, output: 40 } });
    const b = await client.chat(ask('retry me', { stream: true }));
    logical++;
    expect(b.attempts).toBe(2);
    // C: the primary is down; the fallback answers.
    env.fake.enqueue('anthropic', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    env.fake.enqueue('openai', { text: 'C', usage: { input: 500, output: 60, cacheRead: 200, reasoning: 20 } });
    const c = await client.chat(ask('fall back'));
    logical++;
    expect(c.fallbacks).toEqual([`${FALLBACK.provider}/${FALLBACK.model}`]);
    // D: a miss, then an exact hit.
    env.fake.enqueue('anthropic', { text: 'D', usage: { input: 80, output: 8 } });
    const d1 = await client.chat(ask('cache me', { temperature: 0 }));
    logical++;
    const d2 = await client.chat(ask('cache me', { temperature: 0 }));
    logical++;
    expect(d2.cache).toBe('exact');
    // E: five identical requests in flight share one upstream call.
    env.fake.enqueue('anthropic', { deltas: ['E1', 'E2', 'E3'], chunkDelayMs: 50, usage: { input: 90, output: 9 } });
    const e = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.chat(ask('coalesce me', { temperature: 0, stream: true }), { onChunk: () => undefined }),
      ),
    );
    logical += 5;
    expect(e.filter((r) => r.coalesced)).toHaveLength(4);
    // F: a stream the client cancels.
    env.fake.enqueue('anthropic', { deltas: Array.from({ length: 40 }, (_, i) => `f${i} `), chunkDelayMs: 50 });
    const controller = new AbortController();
    expect(
      await failed(
        client.chat(ask('cancel me', { stream: true }), {
          signal: controller.signal,
          onChunk: () => controller.abort(),
        }),
      ),
    ).toBe('cancelled');
    logical++;
    // G: a stream cut short after the client saw part of it.
    env.fake.enqueue('anthropic', { deltas: ['G1 ', 'G2 ', 'G3'], fault: { kind: 'truncate', afterDeltas: 2 } });
    expect(await failed(client.chat(ask('cut me', { stream: true }), { onChunk: () => undefined }))).toBe(
      'stream_interrupted',
    );
    logical++;
    // H: refused before anything is sent.
    expect(await failed(client.chat({ messages: [] }))).toBe('bad_request');
    logical++;
    client.close();

    const exported = await env.h.cli(['usage', 'export', '--json', '-']);
    expect(exported.code, exported.stderr).toBe(0);
    const rows = JSON.parse(exported.stdout) as UsageRow[];
    expect(rows).toHaveLength(logical);
    expect(new Set(rows.map((r) => r.requestId)).size).toBe(logical);

    const byId = new Map(rows.map((r) => [r.requestId, r]));
    const priced = (id: string, provider: typeof PRIMARY.provider | typeof FALLBACK.provider) => {
      const row = byId.get(id)!;
      const usage = {
        input_tokens: row.inputTokens,
        output_tokens: row.outputTokens,
        cache_read_tokens: row.cacheReadTokens,
        cache_write_tokens: row.cacheWriteTokens,
        reasoning_tokens: row.reasoningTokens,
      };
      expect(row.costUsd).not.toBeNull();
      expect(row.costUsd!).toBeCloseTo(costOf(provider, row.model!, usage).usd!, 9);
      return row;
    };
    // Usage in the ledger is what the fake reported, on the canonical basis.
    expect(priced(a.requestId, 'anthropic')).toMatchObject({
      inputTokens: 1150,
      outputTokens: 200,
      cacheReadTokens: 100,
      cacheWriteTokens: 50,
      attempts: 1,
    });
    expect(priced(b.requestId, 'anthropic')).toMatchObject({ attempts: 2, errorCode: null, stream: true });
    expect(priced(c.requestId, 'openai')).toMatchObject({
      provider: 'openai',
      inputTokens: 500,
      cacheReadTokens: 200,
      reasoningTokens: 20,
      fallbackPath: [`${FALLBACK.provider}/${FALLBACK.model}`],
      attempts: 5,
    });
    priced(d1.requestId, 'anthropic');
    expect(byId.get(d2.requestId)).toMatchObject({
      cache: 'exact',
      costUsd: 0,
      costSavedUsd: byId.get(d1.requestId)!.costUsd,
      inputTokens: 0,
    });
    const eRows = e.map((r) => byId.get(r.requestId)!);
    expect(eRows.filter((r) => r.coalesced)).toHaveLength(4);
    expect(eRows.filter((r) => (r.costUsd ?? 0) > 0)).toHaveLength(1);
    expect(rows.filter((r) => r.errorCode === 'cancelled')).toHaveLength(1);
    const cut = rows.filter((r) => r.errorCode === 'stream_interrupted');
    expect(cut).toHaveLength(1);
    // Its final usage never came: the cost is estimated from the prompt and the partial text, and says so.
    expect(cut[0]).toMatchObject({ costEstimated: true, outputTokens: Math.ceil('G1 G2 '.length / 4) });
    expect(cut[0]!.costUsd!).toBeGreaterThan(0);
    expect(rows.filter((r) => r.costEstimated)).toHaveLength(1);
    expect(rows.filter((r) => r.errorCode === 'bad_request')).toHaveLength(1);

    // Sampling is on here: the prompt is kept, redacted, and the key is not.
    const samples = await env.h.cli(['usage', 'export', '--json', '-', '--samples']);
    expect(samples.stdout).toContain('plain question');
    expect(samples.stdout).not.toContain(FAKE_KEYS.OPENAI_API_KEY);
  });
});
