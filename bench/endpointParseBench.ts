/**
 * The local endpoint's request mapping, in process: a plain chat body through the zod schema
 * (the path before the fast path, and still the path of any other body) against the hand check
 * plus mapping the endpoint now uses. Alternating rounds of 2,000 calls each, so a loaded machine
 * slows both alike; prints the median per call of each and their ratio.
 *   node bench/run.mjs --only endpointparse
 */
import { chatCompletionSchema, mapChatCompletion } from '../daemon/http/openai/chatRequest';

const body = {
  model: 'gpt-5.4-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'benchmark '.repeat(20) },
  ],
  max_completion_tokens: 64,
  temperature: 0,
  stream: false,
};

function round(fn: () => unknown, calls: number): number {
  const t = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - t) * 1000) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const viaSchema = () => {
  const parsed = chatCompletionSchema().safeParse(body);
  return parsed.success ? mapChatCompletion(parsed.data, 'endpoint') : undefined;
};
const current = () => mapChatCompletion(body, 'endpoint');
const schemaOnly = () => chatCompletionSchema().safeParse(body);

const a: number[] = [];
const b: number[] = [];
const s: number[] = [];
for (let i = 0; i < 5; i++) {
  round(viaSchema, 2000);
  round(current, 2000);
}
for (let i = 0; i < 30; i++) {
  a.push(round(viaSchema, 2000));
  b.push(round(current, 2000));
  s.push(round(schemaOnly, 2000));
}
const r = { schemaAndMapUs: median(a), fastPathAndMapUs: median(b), schemaParseUs: median(s) };
console.log('\nLocal endpoint: mapping one plain chat completion body (median of 30 rounds of 2,000 calls)');
console.log(`zod schema + mapping (before)   ${r.schemaAndMapUs.toFixed(2)} µs`);
console.log(`hand check + mapping (now)      ${r.fastPathAndMapUs.toFixed(2)} µs`);
console.log(`zod safeParse alone             ${r.schemaParseUs.toFixed(2)} µs`);
console.log(`now / before: ${(r.fastPathAndMapUs / r.schemaAndMapUs).toFixed(3)}`);
console.log(JSON.stringify({ ok: true, ...r }));
