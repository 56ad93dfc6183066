/**
 * Micro-batching of embeddings through the real daemon: with `cache.semantic.embedder:
 * "provider"`, concurrent semantic lookups from several clients share one OpenAI embeddings call,
 * and storing their answers embeds nothing again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatRequest, UsageRow } from '../../protocol';
import { cacheStats as stats, useDaemonAndFake, waitFor } from './harness';

function embeddingRows(r: { stdout: string }): UsageRow[] {
  return (JSON.parse(r.stdout) as UsageRow[]).filter((u) => u.feature === 'embedding');
}

function ask(content: string): ChatRequest {
  return { messages: [{ role: 'user', content }], provider: 'openai', temperature: 0 };
}

describe('embedding micro-batching through the real daemon', () => {
  // The widest window the settings allow, so a loaded test machine still gathers every lookup.
  const env = useDaemonAndFake({
    config: { cache: { semantic: { embedder: 'provider', provider: 'openai', batch: { windowMs: 500 } } } },
  });

  it('30 concurrent semantic lookups from three clients make one embeddings call', async () => {
    const clients = await Promise.all([env.h.connect(), env.h.connect(), env.h.connect()]);
    await waitFor(
      async () => (await stats(env.h)).semantic.embedder === 'provider:openai:text-embedding-3-small',
      10_000,
      'the provider embedder',
    );
    const prompts = Array.from({ length: 30 }, (_, i) => `Explain what configuration option number ${i} does`);
    const results = await Promise.all(prompts.map((p, i) => clients[i % 3]!.chat(ask(p))));
    expect(results.every((r) => r.cache === 'none')).toBe(true);
    expect(env.fake.requestsFor('openai')).toHaveLength(30);

    const calls = env.fake.embeddings.calls;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.model).toBe('text-embedding-3-small');
    expect([...calls[0]!.inputs].sort()).toEqual([...prompts].sort());

    // The answers are indexed with the vectors their lookups fetched: no second call.
    await waitFor(async () => (await stats(env.h)).semantic.indexed === 30, 10_000, 'the answers to be indexed');
    const s = await stats(env.h);
    expect(s.semantic.batching).toMatchObject({ requests: 30, texts: 30, upstreamCalls: 1, upstreamTexts: 30 });
    expect(env.fake.embeddings.calls).toHaveLength(1);
    for (const c of clients) c.close();

    // The one call is in the ledger as feature `embedding`, with the tokens the provider reported and their price.
    await waitFor(
      async () => embeddingRows(await env.h.cli(['usage', 'export', '--json', '-'])).length === 1,
      10_000,
      'the embedding row',
    );
    const [row] = embeddingRows(await env.h.cli(['usage', 'export', '--json', '-']));
    expect(row).toMatchObject({
      feature: 'embedding',
      provider: 'openai',
      model: 'text-embedding-3-small',
      errorCode: null,
    });
    expect(row!.inputTokens).toBeGreaterThan(0);
    expect(row!.costUsd).toBeCloseTo((0.02 * row!.inputTokens) / 1_000_000, 12);
  });

  it('conduit cache warm embeds all its prompts in one call ahead, though it sends them one by one', async () => {
    const prompts = Array.from({ length: 6 }, (_, i) => `Summarize the release notes of version ${i}`);
    const file = path.join(env.h.home, 'warm-batch.jsonl');
    fs.writeFileSync(file, prompts.map((p) => JSON.stringify(ask(p))).join('\n'));
    const r = await env.h.cli(['cache', 'warm', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Warmed 6/);
    expect(env.fake.requestsFor('openai')).toHaveLength(6);
    expect(env.fake.embeddings.calls.map((c) => [...c.inputs].sort())).toEqual([[...prompts].sort()]);
  });
});
