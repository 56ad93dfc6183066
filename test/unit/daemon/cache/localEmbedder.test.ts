/**
 * The `local` embedder through the REAL @huggingface/transformers loading, tokenizing and ONNX
 * inference code, on a BERT-shaped model generated into a temp folder (no download). The model's
 * weights are random, so these tests check mechanics, not semantic quality.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheSettings } from '../../../../daemon/cache/cacheSettings';
import { chooseEmbedder } from '../../../../daemon/cache/chooseEmbedder';
import { dot, type Embedder } from '../../../../daemon/cache/embedder';
import { loadLocalEmbedder, meanPoolNormalize } from '../../../../daemon/cache/localEmbedder';
import { ResponseCache } from '../../../../daemon/cache/responseCache';
import { waitFor } from '../../../integration/harness';
import { generateTinyBert, TINY_BERT_MINILM_SHAPE, TINY_BERT_SHAPE } from '../../../fixtures/tinyBert/generateTinyBert';
import { answer, req, settings } from './helpers';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-tinybert-'));
const modelDir = path.join(root, 'tiny-bert');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** "w w w …": n word pieces plus [CLS] and [SEP]. */
function textOfTokens(n: number): string {
  const words = ['sort', 'list', 'python', 'code', 'file', 'error', 'explain', 'function'];
  return Array.from({ length: n - 2 }, (_, i) => words[i % words.length]).join(' ');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeEmbed(e: Embedder, text: string, runs: number): Promise<number> {
  await e.embed([text]);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await e.embed([text]);
    times.push(performance.now() - t0);
  }
  return median(times);
}

describe('local embedder (transformers.js, generated tiny BERT)', () => {
  let embedder: Awaited<ReturnType<typeof loadLocalEmbedder>>;

  beforeAll(async () => {
    const m = generateTinyBert(modelDir);
    console.log(`[tiny bert] ${m.bytes} bytes of ONNX, ${m.vocabSize} tokens, hidden ${TINY_BERT_SHAPE.hidden}`);
    embedder = await loadLocalEmbedder({ modelDir });
  });

  it('chooseEmbedder loads it from cache.semantic.localModelDir and names model and weights', async () => {
    const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    const e = await chooseEmbedder(
      { ...defaultCacheSettings().semantic, embedder: 'local', localModelDir: modelDir },
      {
        home: root,
        log: (level, msg, fields) => {
          logged.push({ level, msg, ...(fields ? { fields } : {}) });
        },
      },
    );
    expect(e.id).toMatch(/^local:tiny-bert:[0-9a-f]{12}$/);
    expect(e.id).toBe(embedder.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'info',
      msg: 'semantic cache: local embedder loaded',
      fields: { dtype: 'fp32', pinned: false },
    });
  });

  it('gives unit vectors of the hidden size; the tokenizer lowercases, so case does not matter', async () => {
    const [a, b, c] = await embedder.embed([
      'How do I sort a list in Python?',
      'how do i SORT a list in python ?',
      'What is the capital of France?',
    ]);
    expect(a).toHaveLength(TINY_BERT_SHAPE.hidden);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);
    expect(dot(a!, c!)).toBeLessThan(0.999);
  });

  it('a batch of different lengths (padded) gives the same vectors as one text at a time', async () => {
    const texts = ['hi', 'How do I sort a list in Python?', textOfTokens(40), 'explain this error'];
    const batched = await embedder.embed(texts);
    for (const [i, t] of texts.entries()) {
      const [alone] = await embedder.embed([t]);
      for (let d = 0; d < alone!.length; d++) expect(batched[i]![d]).toBeCloseTo(alone![d]!, 4);
    }
  });

  it('concurrent calls are gathered into runs and each gets its own vector', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `question number ${i}`);
    const one = await Promise.all(texts.map((t) => embedder.embed([t])));
    const all = await embedder.embed(texts);
    for (const [i, [v]] of one.entries()) expect(dot(v!, all[i]!)).toBeCloseTo(1, 4);
  });

  it('pooling is the mean over attended tokens, then L2 normalization (sentence-transformers)', async () => {
    // 2 texts × 3 tokens × 2 dims; the second text has one padding token.
    const hidden = [1, 0, 3, 0, 5, 12, /**/ 2, 2, 0, 2, 100, 100];
    const [a, b] = meanPoolNormalize(hidden, [1n, 1n, 1n, 1n, 1n, 0n], 2, 3, 2);
    expect(Array.from(a!)).toEqual([3 / 5, 4 / 5].map((x) => Math.fround(x)));
    expect(b![0]).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(b![1]).toBeCloseTo(2 / Math.sqrt(5), 6);
    // And it agrees with transformers.js's own pipeline pooling on the real model.
    const t = await import('@huggingface/transformers');
    t.env.allowRemoteModels = false;
    t.env.localModelPath = root;
    const extractor = await t.pipeline('feature-extraction', 'tiny-bert', { dtype: 'fp32' });
    const texts = ['short one', 'a somewhat longer question about python code'];
    const theirs = await extractor(texts, { pooling: 'mean', normalize: true });
    const ours = await embedder.embed(texts);
    const dims = theirs.dims[1]!;
    for (let i = 0; i < texts.length; i++) {
      for (let d = 0; d < dims; d++) expect(ours[i]![d]).toBeCloseTo(Number(theirs.data[i * dims + d]), 4);
    }
  });

  it('the semantic cache end to end: near-duplicates hit, other scopes do not, the embedder is local', async () => {
    const cache = new ResponseCache({ settings: () => settings(), embedder });
    expect(cache.stats(true).semantic.embedder).toBe(embedder.id);
    cache.store(req('How do I sort a list in Python?'), { messages: [] }, 'ask', answer('Use sorted(xs).'));
    // The stored entry is embedded in the background: look up once it is in the index.
    await waitFor(() => cache.stats(true).semantic.indexed === 1, 60_000, 'the entry to be indexed');
    const hit = await cache.lookup(req('how do i sort a LIST in python ?'), 'ask');
    expect(hit?.kind).toBe('semantic');
    expect(hit?.entry.text).toBe('Use sorted(xs).');
    expect(hit?.similarity).toBeGreaterThan(0.999);
    // The same words in another scope: another model, another system prompt.
    expect(await cache.lookup(req('how do i sort a LIST in python ?', { model: 'gpt-5.4' }), 'ask')).toBeUndefined();
    expect(
      await cache.lookup(req('how do i sort a LIST in python ?', { system: 'Answer in French.' }), 'ask'),
    ).toBeUndefined();
    // A feature where a near answer is a wrong answer.
    expect(await cache.lookup(req('how do i sort a LIST in python ?'), 'edit')).toBeUndefined();
    expect(cache.stats(true).hits.semantic).toBe(1);
  });

  it('inference timings (printed, not asserted)', async () => {
    const t7 = await timeEmbed(embedder, textOfTokens(7), 30);
    const t64 = await timeEmbed(embedder, textOfTokens(64), 30);
    const batch = Array.from({ length: 16 }, (_, i) => `${textOfTokens(12)} ${i}`);
    const t0 = performance.now();
    await embedder.embed(batch);
    const tBatch = performance.now() - t0;
    console.log(
      `[local embedder timings] tiny BERT (1 layer, 16 hidden): 7 tokens ${t7.toFixed(2)} ms, 64 tokens ${t64.toFixed(2)} ms (median of 30); 16 texts in one batch ${tBatch.toFixed(2)} ms`,
    );
  });

  // Generates and loads a 90 MB graph: on demand only (CONDUIT_MINILM_TIMINGS=1), so the suite
  // stays light for the timing-sensitive integration tests that run beside it.
  it.runIf(process.env.CONDUIT_MINILM_TIMINGS === '1')(
    'inference timings with all-MiniLM-L6-v2 shapes (6 layers, 384 hidden; printed, not asserted)',
    async () => {
      const dir = path.join(root, 'minilm-shape');
      const t0 = performance.now();
      generateTinyBert(dir, { shape: TINY_BERT_MINILM_SHAPE });
      const tGen = performance.now() - t0;
      const rss0 = process.memoryUsage().rss;
      const t1 = performance.now();
      const e = await loadLocalEmbedder({ modelDir: dir });
      const tLoad = performance.now() - t1;
      const t7 = await timeEmbed(e, textOfTokens(7), 20);
      const t64 = await timeEmbed(e, textOfTokens(64), 20);
      const rss = (process.memoryUsage().rss - rss0) / 1024 / 1024;
      const [v] = await e.embed(['x']);
      expect(v).toHaveLength(384);
      console.log(
        `[local embedder timings] MiniLM shapes (random weights): 7 tokens ${t7.toFixed(2)} ms, 64 tokens ${t64.toFixed(2)} ms (median of 20); generate ${tGen.toFixed(0)} ms, load ${tLoad.toFixed(0)} ms, RSS +${rss.toFixed(0)} MB`,
      );
      fs.rmSync(dir, { recursive: true, force: true });
    },
    60_000,
  );
});
