import { describe, expect, it } from 'vitest';
import type { RouterExplainResult } from '../../protocol';
import { useDaemonAndFake } from './harness';

/**
 * `ask --estimate` used to print only the worst case (25–78× the real cost of a short answer),
 * which reads as a prediction. It now prints the expected cost beside it, both labelled: the
 * prompt's tokens plus the feature's median output from the ledger, or a stated default.
 * Claude Sonnet 4.6 is priced at $3 input / $15 output per million tokens.
 */
const ARGS = [
  'ask',
  '--estimate',
  '--provider',
  'anthropic',
  '--model',
  'claude-sonnet-4-6',
  '--max-tokens',
  '4000',
  '--feature',
  'review',
];

describe('ask --estimate: expected cost and worst case, labelled', () => {
  const env = useDaemonAndFake({ config: { rateLimit: { enabled: false } }, resetEachTest: false });

  const estimate = async (): Promise<RouterExplainResult> => {
    const r = await env.h.cli([...ARGS, '--json', 'Review this function for off-by-one errors.']);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as RouterExplainResult;
  };

  it('with no history: the stated default output, priced at the model, below the worst case', async () => {
    const e = await estimate();
    expect(e.expected).toMatchObject({ outputFrom: 'default', outputTokens: 400, samples: 0, approximate: false });
    expect(e.expected!.usd).toBeCloseTo((e.expected!.inputTokens * 3 + 400 * 15) / 1e6, 12);
    expect(e.expected!.usd!).toBeLessThan(e.estimate.worstCaseUsd!);
    const text = await env.h.cli([...ARGS, 'Review this function for off-by-one errors.']);
    expect(text.stdout).toMatch(
      /^expected +\$0\.\d+: ~\d+ input tokens \+ 400 output tokens \(a default: this feature has too few answers in the ledger\)\n/,
    );
    expect(text.stdout).toMatch(
      /\nworst case \$0\.\d+: [\d,]+ input tokens at most \+ 4,000 max output \(what a budget reserves\)\n/,
    );
    expect(text.stdout).toMatch(/\nroute +anthropic\/claude-sonnet-4-6 .*Nothing was sent\.\n$/);
    expect(env.fake.requestsFor('anthropic')).toHaveLength(0);
  });

  it('after the feature has answers: the median of their output tokens', async () => {
    const client = await env.h.connect();
    try {
      for (const output of [90, 120, 150, 130, 110, 2000]) {
        env.fake.enqueue('anthropic', { text: 'ok', usage: { input: 20, output } });
        await client.chat({
          provider: 'anthropic',
          model: 'claude-sonnet-4-6',
          feature: 'review',
          max_tokens: 4000,
          stream: false,
          messages: [{ role: 'user', content: `answer ${output}` }],
        });
      }
    } finally {
      client.close();
    }
    const e = await estimate();
    // 90, 110, 120, 130, 150, 2000: the median is (120 + 130) / 2.
    expect(e.expected).toMatchObject({ outputFrom: 'ledger', outputTokens: 125, samples: 6 });
    expect(e.expected!.usd).toBeCloseTo((e.expected!.inputTokens * 3 + 125 * 15) / 1e6, 12);
  });
});
