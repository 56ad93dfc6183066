// The semantic cache on the labelled pairs: for each embedder that can be measured offline, and
// for the tuned corpus and the held-out unseen set, wrong hits as a share of all hits and recall,
// by threshold and by category. Printed, not asserted. `npm run bench -- --only pairs`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_THRESHOLDS } from '../daemon/cache/cacheSettings';
import { lexicalVector } from '../daemon/cache/lexicalEmbedder';
import {
  figuresAt,
  figuresByCategory,
  scorePairs,
  type LabelledPair,
  type PairFigures,
} from '../daemon/cache/pairEval';

const repo = path.resolve(__dirname, '..', '..');
const SETS = ['corpus', 'unseen'] as const;
const THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

function load(name: string): LabelledPair[] {
  const file = path.join(repo, 'test', 'fixtures', 'cachePairs', `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pairs: LabelledPair[] }).pairs;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const row = (label: string, f: PairFigures) =>
  `${label.padEnd(14)} ${String(f.paraphrases).padStart(5)} ${String(f.nearMisses).padStart(6)} ${String(f.hits).padStart(5)} ${String(f.wrongHits).padStart(6)} ${pct(f.wrongShareOfHits).padStart(9)} ${pct(f.recall).padStart(7)}`;
const HEAD = `${''.padEnd(14)} ${'para'.padStart(5)} ${'near'.padStart(6)} ${'hits'.padStart(5)} ${'wrong'.padStart(6)} ${'wrong/hit'.padStart(9)} ${'recall'.padStart(7)}`;

const out: Record<string, unknown> = {};
const lexicalDefault = DEFAULT_THRESHOLDS.lexical;
console.log('\nSemantic cache on labelled pairs (goal: wrong hits <= 1% of all hits; recall as high as that allows)');
for (const set of SETS) {
  const scored = scorePairs(load(set), (texts) => texts.map(lexicalVector));
  console.log(`\n[lexical] ${set}.json, by threshold (default ${lexicalDefault})`);
  console.log(HEAD);
  const byThreshold = THRESHOLDS.map((t) => ({ threshold: t, ...figuresAt(scored, t) }));
  for (const f of byThreshold) console.log(row(`t=${f.threshold}${f.threshold === lexicalDefault ? ' *' : ''}`, f));
  const noGuards = figuresAt(scored, lexicalDefault, false);
  console.log(row(`no guards`, noGuards));
  console.log(`\n[lexical] ${set}.json, by category at t=${lexicalDefault}`);
  console.log(HEAD);
  const cats = figuresByCategory(scored, lexicalDefault);
  for (const [c, f] of cats) console.log(row(c, f));
  out[set] = { byThreshold, noGuards, byCategory: Object.fromEntries(cats) };
}
console.log(
  '\n[local] the model the tests load is a tiny generated BERT with random weights: its figures mean nothing,',
);
console.log(
  '        and all-MiniLM-L6-v2 is not on this machine. Install it (conduit cache model install) and rerun to measure.',
);
console.log(
  '[provider] OpenAI or Gemini embeddings need a live key: against the fake provider the vectors are made up.',
);
console.log('        `npm run test:live` measures them on these same sets.');

const resultsDir = path.join(repo, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `pairs-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2));
console.log(`\nwritten: ${path.relative(repo, file)}`);
