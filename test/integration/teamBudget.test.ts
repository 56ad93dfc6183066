import { describe, expect, it } from 'vitest';
import { ConduitError, type ChatRequest } from '../../protocol';
import { estimateInputTokens } from '../../daemon/ratelimit/tokenEstimate';
import { worstCaseCost } from '../../daemon/usage/pricing';
import { fetchLive, fetchSnapshot } from '../../extension/panelData';
import { redisAvailable } from './redisServer';
import { FAKE_KEYS, waitFor } from './harness';
import { ledgerTotals, redisDump, teamStatus, useTeam } from './teamHelpers';

const MODEL = 'claude-sonnet-5-5';
const MAX_TOKENS = 1000;
const ask = (i: number): ChatRequest => ({
  messages: [{ role: 'user', content: `team budget request number ${String(i).padStart(3, '0')}` }],
  provider: 'anthropic',
  model: MODEL,
  max_tokens: MAX_TOKENS,
  feature: 'ask',
});
const inputTokens = estimateInputTokens(ask(0).messages, undefined);
const WORST = worstCaseCost('anthropic', MODEL, inputTokens, MAX_TOKENS).usd!;
// Room for exactly 10 worst cases (and not 11), for the whole team.
const BUDGET = WORST * 10.5;

describe.skipIf(!redisAvailable())(
  'team mode: one team budget across two daemons, reserved atomically in Redis',
  () => {
    const team = useTeam({
      config: { rateLimit: { enabled: false }, cache: { enabled: false } },
      team: { budgets: { dailyUsd: BUDGET } },
      // Each answer uses its whole worst case, held in flight long enough for all 40 to overlap.
      before: (fake) =>
        fake.setDefault('anthropic', {
          text: 'ok',
          usage: { input: inputTokens, output: MAX_TOKENS },
          headerDelayMs: 300,
        }),
    });

    it('40 concurrent requests, 20 through each daemon: 10 are sent, 30 refused, and the team never spends more than its budget', async () => {
      const calls = Array.from({ length: 40 }, (_, i) => (i % 2 ? team.a : team.b).client.chat(ask(i)));
      const settled = await Promise.allSettled(calls);
      const refused = settled
        .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
        .map((s) => s.reason as ConduitError);
      expect(team.fake.requestsFor('anthropic')).toHaveLength(10);
      expect(refused).toHaveLength(30);
      expect(new Set(refused.map((e) => e.code))).toEqual(new Set(['budget_exceeded']));
      expect(refused[0]!.message).toMatch(/team's daily budget of \$/);

      // The spend both ledgers recorded, together, stays within the team's budget.
      const { rows, spent } = await ledgerTotals([team.a, team.b]);
      expect(rows).toBe(40);
      expect(spent).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(BUDGET);

      // Redis has settled every reservation: nothing is held, and the spend matches the ledgers.
      // Each daemon writes its settles just after the answers; pendingUsage counts those not written yet.
      for (const m of [team.a, team.b])
        await waitFor(async () => (await teamStatus(m.h)).pendingUsage === 0, 20_000, 'the settles to reach Redis');
      // A status reads the team budgets from Redis when it is asked (it used to show the ones read
      // by the status before, so a second call was needed).
      const day = (await teamStatus(team.a.h)).budgets.find((b) => b.period === 'day')!;
      expect(day.reservedUsd).toBeCloseTo(0, 9);
      expect(day.spentUsd).toBeCloseTo(spent, 5);
      expect(day.spentUsd).toBeLessThanOrEqual(BUDGET);

      // The panel's data: the team's totals by person and feature, and the team's state.
      const snapshot = await fetchSnapshot(team.b.client, { range: '24h' }, undefined);
      expect(snapshot.team?.total).toMatchObject({ requests: 40, errors: 30 });
      expect(snapshot.team?.total.costUsd).toBeCloseTo(spent, 6);
      expect(snapshot.team?.byPerson.map((p) => [p.name, p.requests]).sort()).toEqual([
        ['alice', 20],
        ['bob', 20],
      ]);
      const live = await fetchLive(team.b.client);
      expect(live.status?.team).toMatchObject({ mode: 'connected', teamId: 'testteam', displayName: 'bob' });
      expect(JSON.stringify(live)).not.toMatch(/sk-|AIza/);

      // With sampling off, Redis holds figures and names: no prompt text and no key.
      const { text } = await redisDump(team.redis.port);
      expect(text).toContain('alice');
      expect(text).not.toContain('team budget request number');
      for (const key of Object.values(FAKE_KEYS)) expect(text).not.toContain(key);
    });
  },
);
