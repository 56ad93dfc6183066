/**
 * Micro-batching of embeddings through the real OpenAI and Gemini SDKs against the fake
 * provider's embedding endpoints, which count upstream calls, and through the real local model
 * code on the tiny generated BERT.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbedBatcher, withBatching, type EmbedBatchSettings } from '../../../../daemon/cache/embedBatcher';
import { normalize, type Embedder } from '../../../../daemon/cache/embedder';
import { LexicalEmbedder } from '../../../../daemon/cache/lexicalEmbedder';
import { loadLocalEmbedder } from '../../../../daemon/cache/localEmbedder';
import { providerEmbedder } from '../../../../daemon/cache/providerEmbedder';
import { fakeEmbedding } from '../../../fakes/embeddingRoutes';
import { useFakeProvider } from '../../../fakes/useFakeProvider';
import { generateTinyBert } from '../../../fixtures/tinyBert/generateTinyBert';

const ctx = useFakeProvider();

function openai(): Embedder {
  return providerEmbedder({ provider: 'openai', apiKey: 'sk-test-FAKE-batch', baseURL: ctx.fake.baseURL('openai') });
}

function gemini(): Embedder {
  return providerEmbedder({ provider: 'gemini', apiKey: 'AIzaFAKE-batch', baseURL: ctx.fake.baseURL('gemini') });
}

function batched(inner: Embedder, over: Partial<EmbedBatchSettings> = {}): EmbedBatcher {
  const s: EmbedBatchSettings = { windowMs: 30, backgroundWindowMs: 60_000, maxSize: 256, ...over };
  return new EmbedBatcher(inner, () => s);
}

/** What the fake's vector for `text` is after the embedder normalizes it. */
function expected(text: string): number[] {
  return [...normalize(Float32Array.from(fakeEmbedding(text)))];
}

function expectVectorOf(v: Float32Array | undefined, text: string): void {
  expect(v).toBeDefined();
  const want = expected(text);
  expect(v!.length).toBe(want.length);
  want.forEach((x, i) => expect(v![i]).toBeCloseTo(x, 5));
}

const prompts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} prompt number ${i}`);

describe('EmbedBatcher over provider embeddings', () => {
  it('OpenAI: 50 concurrent requests inside one window make one upstream call, and each gets its own vector', async () => {
    const b = batched(openai());
    const texts = prompts(50, 'openai');
    const results = await Promise.all(texts.map((t) => b.embed([t])));
    expect(ctx.fake.embeddings.calls).toHaveLength(1);
    expect(ctx.fake.embeddings.calls[0]).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small' });
    expect(new Set(ctx.fake.embeddings.calls[0]!.inputs)).toEqual(new Set(texts));
    results.forEach(([v], i) => expectVectorOf(v, texts[i]!));
    expect(b.stats).toMatchObject({ requests: 50, texts: 50, upstreamCalls: 1, upstreamTexts: 50 });
  });

  it('Gemini: one batchEmbedContents call for 50 concurrent requests, results mapped back', async () => {
    const b = batched(gemini());
    const texts = prompts(50, 'gemini');
    const results = await Promise.all(texts.map((t) => b.embed([t])));
    expect(ctx.fake.embeddings.calls).toHaveLength(1);
    expect(ctx.fake.embeddings.calls[0]).toMatchObject({ provider: 'gemini', model: 'gemini-embedding-001' });
    expect(ctx.fake.embeddings.calls[0]!.inputs).toHaveLength(50);
    results.forEach(([v], i) => expectVectorOf(v, texts[i]!));
  });

  it('a caller asking for several texts gets them in its order; a text asked twice goes up once', async () => {
    const b = batched(openai());
    const [mine, other] = await Promise.all([b.embed(['c', 'a', 'b', 'a']), b.embed(['a'])]);
    expect(ctx.fake.embeddings.calls).toHaveLength(1);
    expect(ctx.fake.embeddings.calls[0]!.inputs).toEqual(['c', 'a', 'b']);
    ['c', 'a', 'b', 'a'].forEach((t, i) => expectVectorOf(mine[i], t));
    expectVectorOf(other[0], 'a');
    // Shared texts come back as separate arrays: one caller cannot change another's vector.
    expect(other[0]).not.toBe(mine[1]);
  });

  it('a window boundary splits requests into two calls', async () => {
    const b = batched(openai());
    const first = prompts(10, 'early');
    const second = prompts(10, 'late');
    const a = await Promise.all(first.map((t) => b.embed([t])));
    // The first window has closed (its callers are answered); these open a second one.
    const c = await Promise.all(second.map((t) => b.embed([t])));
    expect(ctx.fake.embeddings.calls.map((x) => x.inputs)).toEqual([first, second]);
    a.forEach(([v], i) => expectVectorOf(v, first[i]!));
    c.forEach(([v], i) => expectVectorOf(v, second[i]!));
  });

  it('a full batch goes at once; the size cap and the provider limit (Gemini: 100 per call) split it', async () => {
    const capped = batched(openai(), { maxSize: 20, windowMs: 60_000 });
    const texts = prompts(40, 'capped');
    // With a one-minute window only the size cap can send these.
    const results = await Promise.all(texts.map((t) => capped.embed([t])));
    expect(ctx.fake.embeddings.calls.map((c) => c.inputs.length)).toEqual([20, 20]);
    results.forEach(([v], i) => expectVectorOf(v, texts[i]!));

    ctx.fake.embeddings.calls.length = 0;
    const g = batched(gemini(), { maxSize: 2048 });
    expect(g.maxSize).toBe(100);
    const many = prompts(150, 'many');
    const out = await Promise.all(many.map((t) => g.embed([t])));
    expect(ctx.fake.embeddings.calls.map((c) => c.inputs.length).sort((x, y) => x - y)).toEqual([50, 100]);
    out.forEach(([v], i) => expectVectorOf(v, many[i]!));
  });

  it('an upstream error reaches every caller in the batch, and the next batch works', async () => {
    const b = batched(openai());
    ctx.fake.embeddings.failNext(500, { message: 'embedding backend down' });
    const settled = await Promise.allSettled(prompts(20, 'doomed').map((t) => b.embed([t])));
    expect(ctx.fake.embeddings.calls).toHaveLength(1);
    for (const r of settled) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        status: 500,
        message: expect.stringMatching(/embedding backend down/) as string,
      });
    }
    const [[v]] = await Promise.all([b.embed(['after the outage'])]);
    expectVectorOf(v, 'after the outage');
  });

  it('a caller cancelled before the window closes is left out of the call; the others get theirs', async () => {
    const b = batched(openai());
    const ac = new AbortController();
    const texts = prompts(10, 'keep');
    const kept = texts.map((t) => b.embed([t]));
    const cancelled = b.embed(['cancel me'], ac.signal);
    ac.abort(new Error('the client went away'));
    await expect(cancelled).rejects.toThrow('the client went away');
    const results = await Promise.all(kept);
    expect(ctx.fake.embeddings.calls).toHaveLength(1);
    expect(ctx.fake.embeddings.calls[0]!.inputs).toEqual(texts);
    results.forEach(([v], i) => expectVectorOf(v, texts[i]!));
  });

  it('a caller cancelled while the call is in flight is dropped at once; the call goes on for the rest', async () => {
    ctx.fake.embeddings.latency = { perCallMs: 400, perInputMs: 0 };
    const b = batched(openai());
    const ac = new AbortController();
    const staying = b.embed(['stays']);
    const leaving = b.embed(['leaves'], ac.signal);
    await ctx.fake.embeddings.waitForCalls(1);
    ac.abort(new Error('cancelled mid-call'));
    await expect(leaving).rejects.toThrow('cancelled mid-call');
    expect(ctx.fake.embeddings.calls[0]!.outcome).toBeUndefined();
    expectVectorOf((await staying)[0], 'stays');
    expect(ctx.fake.embeddings.calls[0]!.outcome).toBe('finished');
    expect(b.stats.abandoned).toBe(0);
  });

  it('when every caller of a batch in flight is cancelled, the upstream call is aborted', async () => {
    ctx.fake.embeddings.latency = { perCallMs: 5000, perInputMs: 0 };
    const b = batched(openai());
    const acs = [new AbortController(), new AbortController(), new AbortController()];
    const calls = acs.map((ac, i) => b.embed([`gone ${i}`], ac.signal));
    await ctx.fake.embeddings.waitForCalls(1);
    for (const ac of acs) ac.abort(new Error('nobody waits'));
    for (const c of calls) await expect(c).rejects.toThrow('nobody waits');
    await expect.poll(() => ctx.fake.embeddings.calls[0]!.outcome, { timeout: 3000 }).toBe('aborted');
    expect(b.stats.abandoned).toBe(1);
  });

  it('background requests ride along with an interactive batch instead of waiting out their own window', async () => {
    const b = batched(openai(), { windowMs: 20, backgroundWindowMs: 60_000 });
    const background = b.embed(['warm this'], undefined, 'background');
    const [interactive] = await b.embed(['look this up'], undefined, 'interactive');
    expectVectorOf(interactive, 'look this up');
    expectVectorOf((await background)[0], 'warm this');
    expect(ctx.fake.embeddings.calls.map((c) => c.inputs)).toEqual([['look this up', 'warm this']]);
  });

  it('lexical embeddings are not batched (no per-call cost); provider ones are', () => {
    const settings = () => ({ enabled: true, windowMs: 20, backgroundWindowMs: 200, maxSize: 64 });
    const lexical = new LexicalEmbedder();
    expect(withBatching(lexical, settings)).toBe(lexical);
    expect(withBatching(openai(), settings)).toBeInstanceOf(EmbedBatcher);
    expect(withBatching(openai(), () => ({ ...settings(), enabled: false }))).not.toBeInstanceOf(EmbedBatcher);
  });
});

describe('EmbedBatcher over the local model', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-batch-bert-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('concurrent requests run as one batched inference, with the vectors each text gets alone', async () => {
    const modelDir = path.join(root, 'tiny-bert');
    generateTinyBert(modelDir);
    const local = await loadLocalEmbedder({ modelDir, batchSize: 64 });
    const runs: number[] = [];
    // Counts the calls the batcher makes into the real local embedder: each is one inference run.
    const counted: Embedder = {
      id: local.id,
      maxBatch: local.maxBatch!,
      embed: (texts, signal) => {
        runs.push(texts.length);
        return local.embed(texts, signal);
      },
    };
    const b = batched(counted);
    const texts = [
      'how do I sort a list',
      'explain this error',
      'read a file in python',
      'what does this function do',
      'sort',
      'a much longer prompt about how to configure the production service',
    ];
    const together = await Promise.all(texts.map((t) => b.embed([t])));
    expect(runs).toEqual([texts.length]);
    for (const [i, t] of texts.entries()) {
      const [alone] = await local.embed([t]);
      // Padding to the longest text in the run changes nothing: pooling follows the attention mask.
      alone!.forEach((x, j) => expect(together[i]![0]![j]).toBeCloseTo(x, 4));
    }
  });
});
