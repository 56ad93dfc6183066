import { describe, expect, it } from 'vitest';
import { FeedbackRateRequest, type ExperimentsResultsResult, type UsageRow } from '../../protocol';
import { useDaemonAndFake } from './harness';

describe('A/B experiments through the real daemon', () => {
  const env = useDaemonAndFake({
    config: {
      rateLimit: { enabled: false },
      experiments: [
        {
          id: 'explain-ab',
          feature: 'explain',
          arms: [
            { name: 'claude', provider: 'anthropic', model: 'claude-haiku-5-5', weight: 1 },
            { name: 'gpt', provider: 'openai', model: 'gpt-5.4-mini', weight: 1 },
          ],
        },
      ],
    },
    resetEachTest: false,
  });

  it('assigns each request an arm (a retry keeps it), records it, stores ratings and reports per arm', async () => {
    env.fake.setDefault('anthropic', { text: 'a', usage: { input: 100, output: 20 } });
    env.fake.setDefault('openai', { text: 'b', usage: { input: 100, output: 20 } });
    const client = await env.h.connect();
    const arms = new Map<string, string>();
    let first: [string, string];
    try {
      for (let i = 0; i < 20; i++) {
        const r = await client.chat({
          messages: [{ role: 'user', content: `What does function f${i} do?` }],
          feature: 'explain',
        });
        expect(r.route?.experiment?.id).toBe('explain-ab');
        expect(r.provider).toBe(r.route!.experiment!.arm === 'claude' ? 'anthropic' : 'openai');
        arms.set(r.requestId, r.route!.experiment!.arm);
      }
      // The same prompt again (a retry) lands on the same arm.
      const again = await client.chat({
        messages: [{ role: 'user', content: 'What does function f0 do?' }],
        feature: 'explain',
      });
      first = [...arms.entries()][0]!;
      expect(again.route!.experiment!.arm).toBe(first[1]);
      await client.connection.sendRequest(FeedbackRateRequest.type, {
        requestId: first[0],
        rating: -1,
        reason: 'retry',
        feature: 'explain',
      });
      const [second, third] = [...arms.keys()].slice(1, 3);
      expect(await client.connection.sendRequest(FeedbackRateRequest.type, { requestId: second!, rating: 1 })).toEqual({
        recorded: true,
      });
      await client.connection.sendRequest(FeedbackRateRequest.type, { requestId: third!, rating: 1 });
      // Not in an experiment: never assigned.
      const plain = await client.chat({ messages: [{ role: 'user', content: 'hello' }], feature: 'ask' });
      expect(plain.route?.experiment).toBeUndefined();
    } finally {
      client.close();
    }

    const rows = JSON.parse((await env.h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
    expect(rows.filter((r) => r.experimentArm?.startsWith('explain-ab/'))).toHaveLength(21);

    const out = await env.h.cli(['experiments', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as ExperimentsResultsResult;
    const arm = (name: string) => result.experiments[0]!.arms.find((a) => a.arm === name)!;
    expect(arm('claude').requests + arm('gpt').requests).toBe(21);
    expect(arm('claude').ratingsUp + arm('gpt').ratingsUp).toBe(2);
    expect(arm(first[1]).retries).toBe(1);
    expect(arm('claude').errorRate).toBe(0);
    expect(arm('claude').costPerRequestUsd).toBeGreaterThan(0);
    const text = await env.h.cli(['experiments']);
    expect(text.stdout).toMatch(/explain-ab \(feature explain\)/);
    expect(text.stdout).toMatch(/claude +anthropic\/claude-haiku-5-5 +50\.0%/);
    // Three ratings in 21 requests say nothing yet: intervals are shown, and no winner on thumbs up.
    expect(arm('claude').latencyCi).not.toBeNull();
    expect(result.experiments[0]!.comparisons!.find((c) => c.metric === 'thumbsUp')!.winner).toBeNull();
    expect(text.stdout).toMatch(/95% intervals/);
    expect(text.stdout).toMatch(/👍 rate \(Wilson\): no winner/);
  });

  it('an explicit experimentKey (what a retry sends) decides the arm, whatever the prompt says', async () => {
    const client = await env.h.connect();
    const byKey = new Map<string, Set<string>>();
    try {
      for (let k = 0; k < 6; k++) {
        const arms = new Set<string>();
        for (let i = 0; i < 3; i++) {
          const r = await client.chat({
            messages: [{ role: 'user', content: `What does g${k}_${i} do?` }],
            feature: 'explain',
            experimentKey: `ask:key-${k}`,
          });
          arms.add(r.route!.experiment!.arm);
        }
        byKey.set(`key-${k}`, arms);
      }
    } finally {
      client.close();
    }
    for (const arms of byKey.values()) expect(arms.size).toBe(1);
    // The keys themselves still spread over both arms.
    expect(new Set([...byKey.values()].flatMap((s) => [...s])).size).toBe(2);
  });
});
