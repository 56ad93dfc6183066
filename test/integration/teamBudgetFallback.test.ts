/**
 * The team budget covers the model that is really called, as the local budget does
 * (budgetFallback.test.ts): when the primary fails and the chain falls back to a dearer model,
 * the team's reservation in Redis is raised to that model's worst case first, and a fallback the
 * team budget has no room for is not called, so two daemons that both fall back cannot jointly
 * overshoot the team's budget.
 */
import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResult, ConduitError } from '../../protocol';
import { inputTokensUpperBound } from '../../daemon/ratelimit/tokenEstimate';
import { costOf, worstCaseCost } from '../../daemon/usage/pricing';
import { type DaemonHarness, waitFor } from './harness';
import { redisAvailable } from './redisServer';
import { ledgerTotals, teamStatus, useTeam } from './teamHelpers';

const PRIMARY = { provider: 'anthropic' as const, model: 'claude-sonnet-4-5' };
const FALLBACK = { provider: 'openai' as const, model: 'gpt-5.4-mini' };
// Set here so the test does not depend on the catalogue: the fallback is ten times dearer.
const PRICES = { [PRIMARY.model]: { input: 1, output: 10 }, [FALLBACK.model]: { input: 10, output: 100 } };
const MAX_TOKENS = 500;
const ask = (i: number): ChatRequest => ({
  messages: [{ role: 'user', content: `team fallback request ${i}` }],
  ...PRIMARY,
  max_tokens: MAX_TOKENS,
  feature: 'ask',
});
const bound = inputTokensUpperBound(ask(0).messages, undefined);
const PRIMARY_WORST = worstCaseCost(PRIMARY.provider, PRIMARY.model, bound, MAX_TOKENS, PRICES).usd!;
const FALLBACK_WORST = worstCaseCost(FALLBACK.provider, FALLBACK.model, bound, MAX_TOKENS, PRICES).usd!;
const FALLBACK_ACTUAL = costOf(
  FALLBACK.provider,
  FALLBACK.model,
  { input_tokens: bound, output_tokens: MAX_TOKENS, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
  PRICES,
).usd!;
// Room for one fallback's worst case and a half, for the whole team: one of two fits, not both.
const BUDGET = FALLBACK_WORST * 1.5;

describe.skipIf(!redisAvailable())(
  'team mode: a dearer fallback is reserved for in the team budget before it is called',
  () => {
    const team = useTeam({
      // No local budget: only the team's can stop the second fallback.
      config: {
        rateLimit: { enabled: false },
        cache: { enabled: false },
        prices: PRICES,
        resilience: {
          maxAttempts: 1,
          breaker: { consecutiveFailures: 100 },
          fallback: { chains: { '*': [FALLBACK] }, allowCostlier: true, staleCache: false, simplifiedResponse: false },
        },
      },
      team: { budgets: { dailyUsd: BUDGET } },
      // Each fallback bills its whole worst case, and is held long enough for both to overlap.
      before: (fake) => {
        fake.setDefault('anthropic', { status: 503 });
        fake.setDefault('openai', {
          text: 'fallback answer',
          usage: { input: bound, output: MAX_TOKENS },
          headerDelayMs: 300,
        });
      },
    });

    const day = async () => (await teamStatus(team.a.h)).budgets.find((b) => b.period === 'day')!;

    it('both daemons fall back at once: one is raised and answered, the other is not sent to the dearer model', async () => {
      expect(FALLBACK_WORST).toBeGreaterThan(PRIMARY_WORST * 5);
      const settled = await Promise.allSettled([team.a.client.chat(ask(0)), team.b.client.chat(ask(1))]);
      const answered = settled
        .filter((s): s is PromiseFulfilledResult<ChatResult> => s.status === 'fulfilled')
        .map((s) => s.value);
      const failed = settled
        .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
        .map((s) => s.reason as ConduitError);
      expect(answered).toHaveLength(1);
      expect(answered[0]!.provider).toBe('openai');
      expect(answered[0]!.fallbacks).toEqual([`${FALLBACK.provider}/${FALLBACK.model}`]);
      // The other ends with the primary's failure: its fallback was never called.
      expect(failed.map((e) => e.code)).toEqual(['server_error']);
      expect(team.fake.requestsFor('anthropic')).toHaveLength(2);
      expect(team.fake.requestsFor('openai')).toHaveLength(1);
      // The logger writes in the background: wait for the line, then check that only one daemon wrote it.
      const skipped = (h: DaemonHarness) =>
        /fallback skipped[\s\S]*over budget|over budget[\s\S]*fallback skipped/.test(h.logText());
      await waitFor(() => skipped(team.a.h) || skipped(team.b.h), 30_000, 'the fallback skipped line');
      expect([team.a.h, team.b.h].filter(skipped)).toHaveLength(1);

      const { spent } = await ledgerTotals([team.a, team.b]);
      expect(spent).toBeCloseTo(FALLBACK_ACTUAL, 9);
      expect(spent).toBeLessThanOrEqual(BUDGET);
      // Settles reach Redis just after the answer.
      await waitFor(
        async () => {
          const d = await day();
          return d.spentUsd > 0 && d.reservedUsd < 1e-9;
        },
        10_000,
        'the team spend to reach Redis, and nothing to stay held',
      );
      const d = await day();
      expect(d.reservedUsd).toBeCloseTo(0, 9);
      expect(d.spentUsd).toBeCloseTo(FALLBACK_ACTUAL, 5);
      expect(d.spentUsd).toBeLessThanOrEqual(BUDGET);
    });

    it('what is left covers the primary but not the fallback: the fallback is skipped and nothing stays held', async () => {
      const before = team.fake.requestsFor('openai').length;
      const left = (await day()).remainingUsd;
      expect(left).toBeGreaterThan(PRIMARY_WORST);
      expect(left).toBeLessThan(FALLBACK_WORST);
      await expect(team.b.client.chat(ask(2))).rejects.toMatchObject({ code: 'server_error' });
      expect(team.fake.requestsFor('openai')).toHaveLength(before);
      const d = await day();
      expect(d.reservedUsd).toBeCloseTo(0, 9);
      expect(d.spentUsd).toBeLessThanOrEqual(BUDGET);
    });
  },
);
