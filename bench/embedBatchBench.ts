// Micro-batching of embeddings (#12): 100 concurrent semantic-cache lookups, with and without the
// batcher, in one run. Against the fake provider's OpenAI embeddings endpoint (in its own
// process, with a provider-like latency per call) through the real OpenAI SDK, and against a
// MiniLM-shaped local model (random weights, real transformers.js/ONNX inference). Rounds
// alternate, so drift on a shared machine hits both sides alike. `npm run bench -- --only embed`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCacheSettings, type CacheSettings } from '../daemon/cache/cacheSettings';
import type { CanonicalRequest } from '../daemon/cache/cacheKey';
import type { Embedder } from '../daemon/cache/embedder';
import { loadLocalEmbedder } from '../daemon/cache/localEmbedder';
import { providerEmbedder } from '../daemon/cache/providerEmbedder';
import { ResponseCache } from '../daemon/cache/responseCache';
import { generateTinyBert, TINY_BERT_MINILM_SHAPE } from '../test/fixtures/tinyBert/generateTinyBert';
import { startFake } from './processes';
import { percentile } from './stats';

const quick = process.argv.includes('--quick');
const repo = path.resolve(__dirname, '..', '..');
const CONCURRENT = 100;
const ROUNDS = quick ? 3 : 8;
/** What an embeddings call costs at a provider: most of it per call (network, queueing), a little per input. */
const PROVIDER_LATENCY = { perCallMs: 120, perInputMs: 0.05 };

interface Side {
  name: string;
  latencies: number[];
  wallMs: number[];
  upstreamCalls: number;
}

function settings(batched: boolean): CacheSettings {
  const d = defaultCacheSettings();
  return { ...d, semantic: { ...d.semantic, batch: { ...d.semantic.batch, enabled: batched } } };
}

function request(prompt: string): CanonicalRequest {
  return {
    provider: 'openai',
    model: 'gpt-5.4-mini',
    messages: [{ role: 'user', content: prompt }],
    temperature: 0,
    maxTokens: 256,
  };
}

async function cacheWith(embedder: Embedder, batched: boolean): Promise<ResponseCache> {
  const s = settings(batched);
  const cache = new ResponseCache({ settings: () => s });
  await cache.useEmbedder(embedder);
  return cache;
}

/** One round: CONCURRENT lookups of fresh prompts (misses: every one needs its embedding). */
async function round(cache: ResponseCache, side: Side, tag: string): Promise<void> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const s = performance.now();
      await cache.lookup(request(`${tag}: how do I handle case ${i} of the parser when the input is empty`), 'ask');
      side.latencies.push(performance.now() - s);
    }),
  );
  side.wallMs.push(performance.now() - t0);
}

async function compare(
  label: string,
  make: (batched: boolean) => Promise<ResponseCache>,
  calls: () => Promise<number>,
): Promise<Side[]> {
  const sides: Side[] = [
    { name: `${label}, unbatched`, latencies: [], wallMs: [], upstreamCalls: 0 },
    { name: `${label}, batched`, latencies: [], wallMs: [], upstreamCalls: 0 },
  ];
  const caches = [await make(false), await make(true)];
  // One warm-up round each (connections, JIT), not counted.
  for (const [j, c] of caches.entries())
    await round(c, { name: '', latencies: [], wallMs: [], upstreamCalls: 0 }, `warm ${j}`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const j of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const before = await calls();
      await round(caches[j]!, sides[j]!, `${label} ${r} ${j}`);
      sides[j]!.upstreamCalls += (await calls()) - before;
    }
  }
  return sides;
}

function print(rows: Side[]): void {
  console.log(
    `\nEmbedding micro-batching: ${CONCURRENT} concurrent semantic lookups (all misses), ${ROUNDS} rounds per side, alternating`,
  );
  console.log('side                                         | lookups/s | p50 ms | p95 ms | upstream calls per round');
  for (const r of rows) {
    const throughput = (CONCURRENT * r.wallMs.length) / (r.wallMs.reduce((a, b) => a + b, 0) / 1000);
    console.log(
      `${r.name.padEnd(44)} | ${throughput.toFixed(0).padStart(9)} | ${percentile(r.latencies, 50).toFixed(1).padStart(6)} | ${percentile(r.latencies, 95).toFixed(1).padStart(6)} | ${(r.upstreamCalls / r.wallMs.length).toFixed(1)}`,
    );
  }
}

async function main(): Promise<void> {
  const fake = await startFake(__dirname);
  const rows: Side[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-embed-'));
  try {
    await fake.control('/__fake/embeddings', PROVIDER_LATENCY);
    const embeddingCalls = async () =>
      ((await (await fetch(`${fake.url}/__fake/embeddings`)).json()) as unknown[]).length;
    rows.push(
      ...(await compare(
        'OpenAI SDK → fake (120 ms/call)',
        (batched) =>
          cacheWith(
            providerEmbedder({ provider: 'openai', apiKey: 'sk-bench-FAKE-0000', baseURL: `${fake.url}/v1` }),
            batched,
          ),
        embeddingCalls,
      )),
    );

    // The local model: unbatched is one inference run per text; batched, one run per batch.
    const modelDir = path.join(tmp, 'minilm-shaped');
    generateTinyBert(modelDir, { shape: TINY_BERT_MINILM_SHAPE });
    let runs = 0;
    const counted = (e: Embedder): Embedder => ({
      id: e.id,
      ...(e.maxBatch ? { maxBatch: e.maxBatch } : {}),
      embed: (texts, signal) => {
        runs++;
        return e.embed(texts, signal);
      },
    });
    const one = counted(await loadLocalEmbedder({ modelDir, batchSize: 1 }));
    const many = counted(await loadLocalEmbedder({ modelDir, batchSize: 128 }));
    rows.push(
      ...(await compare(
        'local MiniLM-shaped model',
        (batched) => cacheWith(batched ? many : one, batched),
        async () => runs,
      )),
    );
    print(rows);
    console.log(
      `(provider latency acted out by the fake: ${PROVIDER_LATENCY.perCallMs} ms per call + ${PROVIDER_LATENCY.perInputMs} ms per input; batch window 20 ms; local: CPU inference on this machine)`,
    );
    const resultsDir = path.join(repo, 'bench', 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `embed-batch-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          when: new Date().toISOString(),
          node: process.version,
          concurrent: CONCURRENT,
          rounds: ROUNDS,
          providerLatency: PROVIDER_LATENCY,
          rows: rows.map((r) => ({
            name: r.name,
            p50: percentile(r.latencies, 50),
            p95: percentile(r.latencies, 95),
            wallMs: r.wallMs,
            upstreamCalls: r.upstreamCalls,
          })),
        },
        null,
        2,
      ),
    );
    console.log(`\nWrote ${path.relative(repo, file)}`);
  } finally {
    fake.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
