// The semantic cache with real provider embeddings on the labelled pairs: recall and wrong hits
// at the provider default threshold and a few others, printed. It costs a few cents of embeddings
// (about 1,000 short texts) per provider whose key is in the environment; it skips in CI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../daemon/cache/cacheSettings';
import { normalizeText } from '../../daemon/cache/cacheKey';
import { figuresAt, scorePairs, type LabelledPair } from '../../daemon/cache/pairEval';
import { MAX_INPUTS, providerEmbedder } from '../../daemon/cache/providerEmbedder';

const inCI = !!process.env.CI && process.env.CI !== 'false';
const load = (set: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/cachePairs', `${set}.json`), 'utf8')) as {
      pairs: LabelledPair[];
    }
  ).pairs;

const TARGETS = [
  { provider: 'openai' as const, key: process.env.OPENAI_API_KEY, baseURL: 'https://api.openai.com/v1' },
  {
    provider: 'gemini' as const,
    key: process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY,
    baseURL: 'https://generativelanguage.googleapis.com',
  },
];

describe.skipIf(inCI)('live: provider embeddings on the labelled cache pairs (npm run test:live)', () => {
  for (const t of TARGETS) {
    it.skipIf(!t.key)(
      `${t.provider}: recall and wrong hits on corpus and unseen`,
      async () => {
        const embedder = providerEmbedder({ provider: t.provider, apiKey: t.key!, baseURL: t.baseURL });
        for (const set of ['corpus', 'unseen']) {
          const pairs = load(set);
          const texts = [...new Set(pairs.flatMap((p) => [normalizeText(p.a), normalizeText(p.b)]))];
          const vectors = new Map<string, Float32Array>();
          for (let i = 0; i < texts.length; i += MAX_INPUTS[t.provider]) {
            const part = texts.slice(i, i + MAX_INPUTS[t.provider]);
            (await embedder.embed(part)).forEach((v, j) => vectors.set(part[j]!, v));
          }
          const scored = scorePairs(pairs, (ts) => ts.map((x) => vectors.get(x)!));
          for (const th of [0.8, 0.85, 0.9, DEFAULT_THRESHOLDS.provider]) {
            const f = figuresAt(scored, th);
            console.log(
              `[${embedder.id}] ${set} t=${th}: recall ${(100 * f.recall).toFixed(1)}%, wrong hits ${(100 * f.wrongShareOfHits).toFixed(1)}% of hits (${f.hits} hits, ${f.wrongHits} wrong)`,
            );
          }
          expect(scored.length).toBe(pairs.length);
        }
      },
      300_000,
    );
  }
});
