// The complexity classifier on labelled IDE requests: accuracy, requests two tiers off, and the
// confusion matrix, on the tuned corpus and on the held-out unseen set. Printed, not asserted.
// `npm run bench -- --only routing` (add `--misses` to list the requests it gets wrong).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage, ChatRequest, Tier } from '../protocol';
import { classify } from '../daemon/router/classifier';

const repo = path.resolve(__dirname, '..', '..');
const TIERS: readonly Tier[] = ['simple', 'moderate', 'complex'];

interface Labelled {
  prompt: string;
  tier: Tier;
  feature?: string;
  turns?: number;
  why?: string;
}

function load(name: string): Labelled[] {
  const file = path.join(repo, 'test', 'fixtures', 'router', `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { requests: Labelled[] }).requests;
}

/** A labelled request as the IDE sends it; `turns` puts an earlier conversation of that many messages before it. */
export function requestOf(p: Labelled): ChatRequest {
  const messages: ChatMessage[] = [];
  for (let i = 0; i < (p.turns ?? 1) - 1; i++) {
    messages.push({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content:
        i % 2 === 0 ? `Question ${i} about the ingestion design.` : `Answer ${i}: the backfill shares the queue.`,
    });
  }
  messages.push({ role: 'user', content: p.prompt });
  return { messages, ...(p.feature ? { feature: p.feature } : {}) };
}

const showMisses = process.argv.includes('--misses');
const out: Record<string, unknown> = {};
console.log('\nRouting: the classifier on labelled requests (goals: >= 90% right tier, <= 2% two tiers off)');
for (const set of ['corpus', 'unseen']) {
  const rows = load(set);
  const matrix = TIERS.map(() => TIERS.map(() => 0));
  let right = 0;
  let twoOff = 0;
  const misses: string[] = [];
  for (const r of rows) {
    const got = classify(requestOf(r));
    const want = TIERS.indexOf(r.tier);
    const have = TIERS.indexOf(got.tier);
    matrix[want]![have]!++;
    if (want === have) right++;
    else misses.push(`  ${r.tier} → ${got.reason} :: ${r.prompt.slice(0, 90).replace(/\n/g, ' ')}`);
    if (Math.abs(want - have) === 2) twoOff++;
  }
  const pct = (n: number) => `${((100 * n) / rows.length).toFixed(1)}%`;
  console.log(
    `\n${set}.json: ${rows.length} requests, right tier ${right} (${pct(right)}), two tiers off ${twoOff} (${pct(twoOff)})`,
  );
  console.log(`  labelled \\ routed ${TIERS.map((t) => t.padStart(9)).join('')}`);
  TIERS.forEach((t, i) => console.log(`  ${t.padEnd(17)} ${matrix[i]!.map((n) => String(n).padStart(9)).join('')}`));
  if (showMisses) console.log(misses.join('\n'));
  out[set] = { requests: rows.length, right, accuracy: right / rows.length, twoTiersOff: twoOff, matrix };
}
const resultsDir = path.join(repo, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(
  path.join(resultsDir, `routing-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify(out, null, 2),
);
