import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetStatusRequest, ConduitError, type ChatRequest, type UsageRow } from '../../protocol';
import { inputTokensUpperBound } from '../../daemon/ratelimit/tokenEstimate';
import { costOf, worstCaseCost } from '../../daemon/usage/pricing';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, useDaemonAndFake } from './harness';

const MODEL = 'claude-sonnet-5-5';
const MAX_TOKENS = 1000;
const ask = (i: number, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content: `budget request number ${String(i).padStart(3, '0')}` }],
  provider: 'anthropic',
  model: MODEL,
  max_tokens: MAX_TOKENS,
  feature: 'ask',
  ...extra,
});
// What the budget reserves for the prompt (its upper bound); the fake then bills exactly that.
const inputTokens = inputTokensUpperBound(ask(0).messages, undefined);
const WORST = worstCaseCost('anthropic', MODEL, inputTokens, MAX_TOKENS).usd!;

async function outcomes(promises: Promise<unknown>[]): Promise<{ sent: number; refused: ConduitError[] }> {
  const settled = await Promise.allSettled(promises);
  const refused = settled
    .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
    .map((s) => s.reason as ConduitError);
  return { sent: settled.length - refused.length, refused };
}

describe('budgets through the real daemon: reservations make overshoot impossible', () => {
  const env = useDaemonAndFake({
    config: {
      rateLimit: { enabled: false },
      // Room for exactly 10 worst cases (and not 11).
      budgets: { dailyUsd: WORST * 10.5, onExceed: 'block' },
    },
    resetEachTest: false,
  });

  it('50 concurrent requests against a budget that fits 10 worst cases: 10 are sent, 40 refused, spend ≤ budget', async () => {
    // Each answer uses its whole worst case, held in flight long enough for all 50 to overlap.
    env.fake.setDefault('anthropic', {
      text: 'ok',
      usage: { input: inputTokens, output: MAX_TOKENS },
      headerDelayMs: 150,
    });
    const client = await env.h.connect();
    try {
      const { sent, refused } = await outcomes(Array.from({ length: 50 }, (_, i) => client.chat(ask(i))));
      expect(sent).toBe(10);
      expect(env.fake.requestsFor('anthropic')).toHaveLength(10);
      expect(refused).toHaveLength(40);
      expect(new Set(refused.map((e) => e.code))).toEqual(new Set(['budget_exceeded']));
      expect(refused[0]!.message).toMatch(
        /could cost up to \$0\.\d+ on anthropic\/claude-sonnet-5-5, more than is left of the daily budget of \$0\.\d+: \$0\.\d+ left .* It resets at \d{4}-/,
      );

      const budgets = await client.connection.sendRequest(BudgetStatusRequest.type, {});
      const day = budgets.budgets.find((b) => b.scope === 'global' && b.period === 'day')!;
      expect(day.reservedUsd).toBeCloseTo(0, 12);
      // The worst case prices every prompt token as a cache write; the answers billed plain input.
      const actual = costOf('anthropic', MODEL, {
        input_tokens: inputTokens,
        output_tokens: MAX_TOKENS,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
      }).usd!;
      expect(day.spentUsd).toBeCloseTo(actual * 10, 10);
      expect(day.spentUsd).toBeLessThanOrEqual(day.limitUsd);
    } finally {
      client.close();
    }

    const exported = await env.h.cli(['usage', 'export', '--json', '-']);
    const rows = JSON.parse(exported.stdout) as UsageRow[];
    expect(rows).toHaveLength(50);
    expect(rows.filter((r) => r.errorCode === 'budget_exceeded')).toHaveLength(40);
    const spent = rows.reduce((s, r) => s + (r.costUsd ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(WORST * 10.5);

    const status = await env.h.cli(['status', '--json']);
    const s = JSON.parse(status.stdout) as { alerts: { kind: string; threshold: number }[] };
    // 10 worst cases of 10.5 is 95 %: the 50 % and 80 % warnings went out, not the 100 % one.
    expect(s.alerts.filter((a) => a.kind === 'budget').map((a) => a.threshold)).toEqual([0.8]);
  });

  it("a restarted daemon reads today's spend from the ledger and keeps refusing", async () => {
    await env.h.cli(['stop']);
    env.fake.setDefault('anthropic', { text: 'ok', usage: { input: inputTokens, output: MAX_TOKENS } });
    const before = env.fake.requestsFor('anthropic').length;
    const client = await env.h.connect();
    try {
      await expect(client.chat(ask(999))).rejects.toMatchObject({ code: 'budget_exceeded' });
      expect(env.fake.requestsFor('anthropic').length).toBe(before);
    } finally {
      client.close();
    }
  });
});

describe('budgets with onExceed "downgrade"', () => {
  let fake: FakeProviderServer;
  let h: DaemonHarness;
  const design = 'Design a multi-region architecture for a payments service and explain the trade-offs.';

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    h = new DaemonHarness(fake.url);
    const complexWorst = worstCaseCost('anthropic', 'claude-opus-5-5', 40, MAX_TOKENS).usd!;
    fs.writeFileSync(
      path.join(h.home, 'config.json'),
      JSON.stringify({
        rateLimit: { enabled: false },
        // Less than one complex (Opus) worst case, more than a few cheaper ones.
        budgets: { byFeature: { ask: { dailyUsd: complexWorst * 0.9 } }, onExceed: 'downgrade' },
      }),
    );
  });
  afterAll(async () => {
    await h.dispose();
    await fake.stop();
  });

  it('routes a complex request down a tier that fits, says so, and records the tier it used', async () => {
    fake.setDefault('anthropic', { text: 'ok', usage: { input: 30, output: 50 } });
    const client = await h.connect();
    try {
      const result = await client.chat({
        messages: [{ role: 'user', content: design }],
        max_tokens: MAX_TOKENS,
        feature: 'ask',
      });
      expect(result.route).toMatchObject({ downgradedFrom: 'complex', tier: 'moderate', model: 'claude-sonnet-5-5' });
      expect(result.route!.reason).toMatch(
        /^moderate: downgraded from complex to stay within budget \(complex: 'design'/,
      );
      expect(fake.lastRequest('anthropic')!.model).toBe('claude-sonnet-5-5');
      // An explicit model is never downgraded: it is refused instead.
      await expect(
        client.chat({
          messages: [{ role: 'user', content: design }],
          model: 'claude-opus-5-5',
          max_tokens: MAX_TOKENS,
        }),
      ).rejects.toMatchObject({ code: 'budget_exceeded' });
    } finally {
      client.close();
    }
    const rows = JSON.parse((await h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
    expect(rows.map((r) => [r.tier, r.model, r.errorCode])).toEqual([
      ['moderate', 'claude-sonnet-5-5', null],
      ['complex', 'claude-opus-5-5', 'budget_exceeded'],
    ]);
  });
});
