/**
 * Issue #7: a budget reservation covers the model that is really called. The primary fails and
 * the chain falls back to a dearer model (allowCostlier): before that call the reservation is
 * raised to the fallback's worst case, and when the budget has no room for that, the fallback is
 * not called at all, so two requests that both fall back cannot jointly overshoot the budget.
 */
import { describe, expect, it } from 'vitest';
import { BudgetStatusRequest, ConduitError, type ChatRequest, type UsageRow } from '../../protocol';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import { inputTokensUpperBound } from '../../daemon/ratelimit/tokenEstimate';
import { costOf, worstCaseCost } from '../../daemon/usage/pricing';
import { useDaemonAndFake } from './harness';

const PRIMARY = { provider: 'anthropic' as const, model: 'claude-sonnet-4-5' };
const FALLBACK = { provider: 'openai' as const, model: 'gpt-5.4-mini' };
// Set here so the test does not depend on the catalogue: the fallback is ten times dearer.
const PRICES = { [PRIMARY.model]: { input: 1, output: 10 }, [FALLBACK.model]: { input: 10, output: 100 } };
const MAX_TOKENS = 500;
const ask = (content: string): ChatRequest => ({
  messages: [{ role: 'user', content }],
  ...PRIMARY,
  max_tokens: MAX_TOKENS,
  feature: 'ask',
});
const bound = inputTokensUpperBound(ask('fallback request 0').messages, undefined);
const PRIMARY_WORST = worstCaseCost(PRIMARY.provider, PRIMARY.model, bound, MAX_TOKENS, PRICES).usd!;
const FALLBACK_WORST = worstCaseCost(FALLBACK.provider, FALLBACK.model, bound, MAX_TOKENS, PRICES).usd!;
const FALLBACK_ACTUAL = costOf(
  FALLBACK.provider,
  FALLBACK.model,
  { input_tokens: bound, output_tokens: MAX_TOKENS, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
  PRICES,
).usd!;

function config(dailyUsd: number): unknown {
  return {
    rateLimit: { enabled: false },
    cache: { enabled: false },
    prices: PRICES,
    budgets: { dailyUsd, onExceed: 'block' },
    resilience: {
      maxAttempts: 1,
      breaker: { consecutiveFailures: 100 },
      fallback: { chains: { '*': [FALLBACK] }, allowCostlier: true, staleCache: false, simplifiedResponse: false },
    },
  };
}

async function dayBudget(client: DaemonClient): Promise<{ spentUsd: number; reservedUsd: number; limitUsd: number }> {
  const budgets = await client.connection.sendRequest(BudgetStatusRequest.type, {});
  return budgets.budgets.find((b) => b.scope === 'global' && b.period === 'day')!;
}

describe('budgets and fallbacks: a dearer fallback is reserved for before it is called', () => {
  // Room for one fallback worst case and a half: one of two concurrent fallbacks fits, not both.
  const env = useDaemonAndFake({ config: config(FALLBACK_WORST * 1.5) });

  it('two requests fall back at once: the reservation is raised for one, the other is not sent to the dearer model', async () => {
    expect(FALLBACK_WORST).toBeGreaterThan(PRIMARY_WORST * 5);
    env.fake.setDefault('anthropic', { status: 503 });
    // Each fallback bills its whole worst-case usage, and is held long enough for both to overlap.
    env.fake.setDefault('openai', {
      text: 'fallback answer',
      usage: { input: bound, output: MAX_TOKENS },
      headerDelayMs: 300,
    });
    const client = await env.h.connect();
    try {
      const settled = await Promise.allSettled([
        client.chat(ask('fallback request 0')),
        client.chat(ask('fallback request 1')),
      ]);
      const answered = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
      const failed = settled
        .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
        .map((s) => s.reason as ConduitError);
      expect(answered).toHaveLength(1);
      expect(answered[0]!.fallbacks).toEqual([`${FALLBACK.provider}/${FALLBACK.model}`]);
      expect(answered[0]!.provider).toBe('openai');
      // The other one ends with the primary's failure: its fallback was never called.
      expect(failed).toHaveLength(1);
      expect(failed[0]!.code).toBe('server_error');
      expect(env.fake.requestsFor('anthropic')).toHaveLength(2);
      expect(env.fake.requestsFor('openai')).toHaveLength(1);
      const day = await dayBudget(client);
      expect(day.reservedUsd).toBeCloseTo(0, 12);
      expect(day.spentUsd).toBeCloseTo(FALLBACK_ACTUAL, 12);
      expect(day.spentUsd).toBeLessThanOrEqual(day.limitUsd);
    } finally {
      client.close();
    }
    const rows = JSON.parse((await env.h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
    expect(rows.reduce((s, r) => s + (r.costUsd ?? 0), 0)).toBeLessThanOrEqual(FALLBACK_WORST * 1.5);
  });

  it('a request whose fallback does not fit is answered by neither, and reserves nothing afterwards', async () => {
    env.fake.setDefault('anthropic', { status: 503 });
    env.fake.setDefault('openai', { text: 'fallback answer', usage: { input: bound, output: MAX_TOKENS } });
    const client = await env.h.connect();
    try {
      // The first test spent one fallback's cost of this budget (a daemon keeps its day's spend).
      const before = env.fake.requestsFor('openai').length;
      // What is left covers the primary's worst case, not the fallback's.
      const day = await dayBudget(client);
      expect(day.spentUsd).toBeCloseTo(FALLBACK_ACTUAL, 12);
      expect(day.limitUsd - day.spentUsd).toBeGreaterThan(PRIMARY_WORST);
      expect(day.limitUsd - day.spentUsd).toBeLessThan(FALLBACK_WORST);
      await expect(client.chat(ask('fallback request 3'))).rejects.toMatchObject({ code: 'server_error' });
      expect(env.fake.requestsFor('openai')).toHaveLength(before);
      expect((await dayBudget(client)).reservedUsd).toBeCloseTo(0, 12);
    } finally {
      client.close();
    }
  });
});
