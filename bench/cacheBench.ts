// The cache benchmark: semantic accuracy on the labelled pairs at several thresholds, semantic
// lookup time by index size (embedding timed apart), and the exact-hit path end to end through
// IPC against an uncached call in the same run. Prints tables and writes JSON to bench/results/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { normalizeText } from '../daemon/cache/cacheKey';
import { dot, normalize } from '../daemon/cache/embedder';
import { LexicalEmbedder, lexicalVector } from '../daemon/cache/lexicalEmbedder';
import { rejectReason } from '../daemon/cache/semanticGuards';
import { BruteForceIndex } from '../daemon/cache/vectorIndex';
import { benchHome, daemonEnv, startFake } from './processes';
import { fmt, summarize } from './stats';

const quick = process.argv.includes('--quick');
const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const daemonScript = path.join(repo, 'dist', 'daemon.js');

interface Pair {
  a: string;
  b: string;
  same: boolean;
}

function accuracy(): {
  threshold: number;
  hitRate: number;
  wrongHitRate: number;
  hitRateNoGuards: number;
  wrongHitRateNoGuards: number;
}[] {
  const file = path.join(repo, 'test', 'fixtures', 'semantic', 'pairs.json');
  const pairs = (JSON.parse(fs.readFileSync(file, 'utf8')) as { pairs: Pair[] }).pairs;
  const scored = pairs.map((p) => {
    const a = normalizeText(p.a);
    const b = normalizeText(p.b);
    return { same: p.same, sim: dot(lexicalVector(a), lexicalVector(b)), passes: rejectReason(a, b) === null };
  });
  const pos = scored.filter((s) => s.same);
  const neg = scored.filter((s) => !s.same);
  return [0.8, 0.85, 0.9, 0.95].map((t) => ({
    threshold: t,
    hitRate: pos.filter((s) => s.sim >= t && s.passes).length / pos.length,
    wrongHitRate: neg.filter((s) => s.sim >= t && s.passes).length / neg.length,
    hitRateNoGuards: pos.filter((s) => s.sim >= t).length / pos.length,
    wrongHitRateNoGuards: neg.filter((s) => s.sim >= t).length / neg.length,
  }));
}

function randomUnit(dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.random() * 2 - 1;
  return normalize(v);
}

/** Brute-force search over 384-dim vectors (MiniLM's shape), all in one scope: the worst case. */
function lookupTimes(): { entries: number; p50: number; p99: number }[] {
  const sizes = quick ? [1000, 10_000] : [1000, 10_000, 100_000];
  return sizes.map((n) => {
    const index = new BruteForceIndex();
    for (let i = 0; i < n; i++) index.add('scope', `k${i}`, randomUnit(384));
    const samples: number[] = [];
    const queries = n >= 100_000 ? 50 : 200;
    for (let i = 0; i < queries; i++) {
      const q = randomUnit(384);
      const t0 = performance.now();
      index.search('scope', q, 5, 0.95);
      samples.push(performance.now() - t0);
    }
    const s = summarize(samples);
    return { entries: n, p50: s.p50, p99: s.p99 };
  });
}

async function embedTime(): Promise<{ p50: number; p99: number }> {
  const e = new LexicalEmbedder();
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    await e.embed([`How do I sort a list of ${i} records by date in TypeScript without mutating it?`]);
    samples.push(performance.now() - t0);
  }
  const s = summarize(samples);
  return { p50: s.p50, p99: s.p99 };
}

async function exactHitPath(): Promise<{
  uncached: ReturnType<typeof summarize>;
  hit: ReturnType<typeof summarize>;
  ratioP50: number;
}> {
  const fake = await startFake(buildDir);
  const home = benchHome();
  const env = daemonEnv(home, fake.url);
  const client = await DaemonClient.connect({ client: 'other', home, autoStart: true, spawn: { daemonScript, env } });
  const n = quick ? 100 : 400;
  const uncached: number[] = [];
  const hit: number[] = [];
  try {
    await fake.control('/__fake/default', {
      provider: 'openai',
      script: { text: 'lorem ipsum '.repeat(100), chunks: 1 },
    });
    const ask = (content: string) =>
      client.chat({ messages: [{ role: 'user', content }], provider: 'openai', temperature: 0 });
    await ask('warm the cached prompt');
    for (let i = 0; i < 20; i++) await ask(`warm-up ${i}`);
    // Alternating blocks, so drift on a shared machine hits both sides alike.
    for (let block = 0; block < n / 25; block++) {
      for (let j = 0; j < 25; j++) {
        const t0 = performance.now();
        await ask(`uncached ${block}-${j} ${Math.random()}`);
        uncached.push(performance.now() - t0);
      }
      for (let j = 0; j < 25; j++) {
        const t0 = performance.now();
        await ask('warm the cached prompt');
        hit.push(performance.now() - t0);
      }
    }
  } finally {
    await client.stop().catch(() => undefined);
    client.close();
    fake.proc.kill();
    fs.rmSync(home, { recursive: true, force: true });
  }
  const u = summarize(uncached);
  const h = summarize(hit);
  return { uncached: u, hit: h, ratioP50: h.p50 / u.p50 };
}

async function main(): Promise<void> {
  const acc = accuracy();
  console.log('\nSemantic cache, labelled pairs (lexical embedder), by threshold');
  console.log('threshold | hit rate | wrong-hit rate | without guards: hit | wrong-hit');
  for (const r of acc) {
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(
      `${r.threshold.toFixed(2)}      | ${pct(r.hitRate).padStart(8)} | ${pct(r.wrongHitRate).padStart(14)} | ${pct(r.hitRateNoGuards).padStart(19)} | ${pct(r.wrongHitRateNoGuards).padStart(9)}`,
    );
  }
  const embed = await embedTime();
  console.log(`\nLexical embedding of one prompt: p50 ${fmt(embed.p50)}, p99 ${fmt(embed.p99)} (not included below)`);
  const lookups = lookupTimes();
  console.log('\nSemantic lookup (brute force, 384 dims, one scope), search only');
  console.log('entries | p50 | p99');
  for (const l of lookups) console.log(`${String(l.entries).padStart(7)} | ${fmt(l.p50)} | ${fmt(l.p99)}`);
  const e2e = await exactHitPath();
  console.log('\nExact hit end to end through IPC (client → daemon → cache → client), non-streaming');
  console.log(
    `uncached call p50 ${fmt(e2e.uncached.p50)} p99 ${fmt(e2e.uncached.p99)}; exact hit p50 ${fmt(e2e.hit.p50)} p99 ${fmt(e2e.hit.p99)}; hit/uncached p50 ratio ${e2e.ratioP50.toFixed(2)}`,
  );
  const resultsDir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `cache-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      { when: new Date().toISOString(), node: process.version, quick, accuracy: acc, embed, lookups, exactHit: e2e },
      null,
      2,
    ),
  );
  console.log(`\nWrote ${path.relative(repo, file)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
