import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest, Tier } from '../../../../protocol';
import { classify } from '../../../../daemon/router/classifier';
import { countRequirements, readSignals } from '../../../../daemon/router/requestSignals';

interface Labelled {
  prompt: string;
  tier: Tier;
  feature?: string;
  turns?: number;
  why?: string;
}

function load(name: string): Labelled[] {
  return (
    JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/router', `${name}.json`), 'utf8')) as {
      requests: Labelled[];
    }
  ).requests;
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

const tierOf = (prompt: string, feature?: string) =>
  classify({ messages: [{ role: 'user', content: prompt }], ...(feature ? { feature } : {}) });
const fence = (lang: string, lines: string[]) => `\`\`\`${lang}\n${lines.join('\n')}\n\`\`\``;

describe('the complexity classifier on the labelled corpora', () => {
  const TIERS: readonly Tier[] = ['simple', 'moderate', 'complex'];
  it.each(['corpus', 'unseen'])('%s: at least 90%% on the right tier and at most 2%% two tiers off', (name) => {
    const rows = load(name);
    expect(rows.length).toBeGreaterThanOrEqual(name === 'corpus' ? 300 : 80);
    for (const tier of TIERS) expect(rows.filter((r) => r.tier === tier).length).toBeGreaterThanOrEqual(15);
    const got = rows.map((r) => ({ r, c: classify(requestOf(r)) }));
    const misses = got
      .filter(({ r, c }) => c.tier !== r.tier)
      .map(({ r, c }) => `${r.tier} → ${c.reason} :: ${r.prompt.slice(0, 60)}`);
    const twoOff = got.filter(({ r, c }) => Math.abs(TIERS.indexOf(r.tier) - TIERS.indexOf(c.tier)) === 2);
    expect(1 - misses.length / rows.length, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
    expect(twoOff.length / rows.length).toBeLessThanOrEqual(0.02);
  });

  it('is deterministic: the same request always gets the same tier, score and reason', () => {
    for (const p of load('unseen')) expect(classify(requestOf(p))).toEqual(classify(requestOf(p)));
  });
});

describe('signals, each with the requests that motivated it', () => {
  it('a "write a …" request with requirements is moderate however short its verb', () => {
    const workflow = tierOf(
      'Write a GitHub Actions workflow that runs `npm test` on push and pull_request for Node 20, with npm caching.',
    );
    expect(workflow.tier).toBe('moderate');
    expect(workflow.signals).toMatchObject({ generation: true });
    expect(workflow.reason).toMatch(/asks to write code with \d requirements/);
    expect(
      tierOf('Write a Dockerfile for a Go service: build in a golang image, run in distroless, non-root.').tier,
    ).toBe('moderate');
    expect(
      tierOf(
        'Write a parser for key=value lines in TypeScript that skips comments starting with # and trims whitespace.',
      ).tier,
    ).toBe('moderate');
  });

  it('a one-liner, a command or a bare query stays simple', () => {
    expect(tierOf('Write a one-line Python expression that reverses a string').tier).toBe('simple');
    expect(tierOf('Write a SQL query to select all users older than 30').tier).toBe('simple');
    expect(tierOf('Write a cron expression for every Monday at 9am').tier).toBe('simple');
  });

  it('many requirements make a generation request complex', () => {
    const pool = tierOf(
      'Implement a concurrent, bounded worker pool in Go with context cancellation, graceful shutdown that drains in-flight jobs, per-job timeouts, panics recovered into errors, and metrics hooks; include tests for shutdown and cancellation.',
    );
    expect(pool.tier).toBe('complex');
    expect(pool.signals.requirements).toBeGreaterThanOrEqual(6);
  });

  it('counts requirements in clauses, "and", commas and bullets, not in short fragments', () => {
    expect(countRequirements('Write a function')).toBe(0);
    expect(countRequirements('Test on Node 18 and 20')).toBe(0);
    expect(countRequirements('Write a script that backs up the db, gzips it, keeps 7 copies and logs errors')).toBe(4);
    expect(countRequirements('Do this:\n- read the file\n- parse each line\n- print totals')).toBeGreaterThanOrEqual(3);
  });

  it('no single keyword makes a request complex', () => {
    expect(tierOf('refactor').tier).not.toBe('complex');
    expect(tierOf('Design the REST endpoints for a simple todo app').tier).toBe('moderate');
    expect(tierOf('What are the trade-offs between JWT and session cookies for a small web app?').tier).toBe(
      'moderate',
    );
    expect(tierOf("What's the architecture of x86 called, CISC or RISC?").tier).toBe('simple');
    expect(tierOf('In one sentence, what is a deadlock?').tier).toBe('simple');
  });

  it('code size counts in lines as well as tokens: a 40-line component to convert and test is complex', () => {
    const component = fence(
      'jsx',
      Array.from({ length: 40 }, (_, i) => `  const v${i} = useThing(${i});`),
    );
    const explain = tierOf(`Explain this component:\n${component}`);
    expect(explain.tier).toBe('moderate');
    expect(explain.signals.codeLines).toBe(40);
    expect(explain.reason).toContain('40 lines of code');
    const convert = tierOf(
      `Convert this class component to a function component with hooks, keep the behaviour identical, and write tests for adding an item:\n${component}`,
    );
    expect(convert.tier).toBe('complex');
    expect(convert.reason).toMatch(/asks to .*(convert|test)/);
  });

  it('the kind of code counts: configuration weighs less than an algorithm, threads and locks more', () => {
    const yaml = fence(
      'yaml',
      Array.from({ length: 20 }, (_, i) => `  key${i}: value${i}`),
    );
    const algo = fence(
      'python',
      Array.from({ length: 20 }, (_, i) => `    total += weights[${i}] * xs[i - ${i}]`),
    );
    expect(readSignals(`Explain:\n${yaml}`).codeKind).toBe('config');
    expect(readSignals(`Explain:\n${algo}`).codeKind).toBe('code');
    expect(readSignals('Explain:\n```go\nmu.Lock()\ndefer mu.Unlock()\nx++\n```').codeKind).toBe('concurrent');
    expect(tierOf(`Explain:\n${yaml}`).signals.score).toBeLessThan(tierOf(`Explain:\n${algo}`).signals.score);
  });

  it('a bit of code is not a reason to leave the simple tier', () => {
    expect(
      tierOf('What does this do?\n```js\nconst total = items.reduce((sum, i) => sum + i.price, 0);\n```').tier,
    ).toBe('simple');
  });

  it('explains itself with the signals that counted', () => {
    const code = '```ts\n' + 'const value = compute(input);\n'.repeat(260) + '```';
    const c = classify({ messages: [{ role: 'user', content: `Please refactor this:\n${code}` }] });
    expect(c.tier).toBe('complex');
    expect(c.reason).toMatch(/^complex: 260 lines of code \+ 'refactor'/);
    expect(c.signals.codeTokens).toBeGreaterThan(1500);
    expect(c.signals.reasoningMarkers).toEqual(['refactor']);
    const short = classify({ messages: [{ role: 'user', content: 'Hi there' }] });
    expect(short).toMatchObject({
      tier: 'simple',
      reason: 'simple: short, no code, no requirements or reasoning markers',
    });
  });

  it('a commit message is pulled down a tier, and says so', () => {
    const c = classify({
      messages: [{ role: 'user', content: 'Why did we change the retry policy? Summarize the diff.' }],
      feature: 'commit',
    });
    expect(c.reason).toContain('lowered by feature commit');
  });

  it('only the last user message counts for markers, so an earlier "refactor" does not stick', () => {
    const c = classify({
      messages: [
        { role: 'user', content: 'refactor everything' },
        { role: 'assistant', content: 'Done.' },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(c.signals.reasoningMarkers).toEqual([]);
  });
});
