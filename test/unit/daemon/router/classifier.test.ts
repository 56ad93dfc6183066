import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest, Tier } from '../../../../protocol';
import { classify } from '../../../../daemon/router/classifier';

interface Labelled {
  prompt: string;
  tier: Tier;
  feature?: string;
  system?: string;
  turns?: number;
}

const labelled = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/router/prompts.json'), 'utf8')) as Labelled[];

/** A labelled prompt as a request; `turns` prefixes an earlier conversation of that many messages. */
export function requestOf(p: Labelled): ChatRequest {
  const messages: ChatMessage[] = [];
  for (let i = 0; i < (p.turns ?? 1) - 1; i++) {
    messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: i % 2 === 0 ? `Question ${i} about the plan's step ${i % 5}.` : `Answer ${i}: step ${i % 5} changes the import job.` });
  }
  messages.push({ role: 'user', content: p.prompt });
  return { messages, ...(p.feature ? { feature: p.feature } : {}), ...(p.system ? { system: p.system } : {}) };
}

describe('the complexity classifier', () => {
  it('matches at least 90 % of the labelled prompts', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(40);
    const misses = labelled
      .map((p) => ({ p, got: classify(requestOf(p)) }))
      .filter(({ p, got }) => got.tier !== p.tier)
      .map(({ p, got }) => `${p.tier} → ${got.reason} :: ${p.prompt.slice(0, 60)}`);
    const accuracy = 1 - misses.length / labelled.length;
    expect(accuracy, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('covers every tier in the labelled set', () => {
    for (const tier of ['simple', 'moderate', 'complex'] as const) expect(labelled.filter((p) => p.tier === tier).length).toBeGreaterThanOrEqual(10);
  });

  it('is deterministic: the same request always gets the same tier, score and reason', () => {
    for (const p of labelled) expect(classify(requestOf(p))).toEqual(classify(requestOf(p)));
  });

  it('explains itself with the signals that counted', () => {
    const code = '```ts\n' + 'const value = compute(input);\n'.repeat(260) + '```';
    const c = classify({ messages: [{ role: 'user', content: `Please refactor this:\n${code}` }] });
    expect(c.tier).toBe('complex');
    expect(c.reason).toMatch(/^complex: [\d,]+ tokens of code \+ 'refactor'/);
    expect(c.signals.codeTokens).toBeGreaterThan(1500);
    expect(c.signals.reasoningMarkers).toEqual(['refactor']);
    const short = classify({ messages: [{ role: 'user', content: 'Hi there' }] });
    expect(short).toMatchObject({ tier: 'simple', reason: 'simple: short, no code or reasoning markers' });
  });

  it('a commit message is pulled down a tier, and says so', () => {
    const c = classify({ messages: [{ role: 'user', content: 'Why did we change the retry policy? Summarize the diff.' }], feature: 'commit' });
    expect(c.reason).toContain('lowered by feature commit');
  });

  it('only the last user message counts for markers, so an earlier "refactor" does not stick', () => {
    const c = classify({ messages: [{ role: 'user', content: 'refactor everything' }, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'thanks' }] });
    expect(c.signals.reasoningMarkers).toEqual([]);
  });
});
