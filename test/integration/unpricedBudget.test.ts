import { describe, expect, it } from 'vitest';
import { ConduitError, type ChatRequest, type UsageRow } from '../../protocol';
import { findModel } from '../../daemon/router/models';
import { assumedPrices } from '../../daemon/usage/assumedPrices';
import { inputTokensUpperBound } from '../../daemon/ratelimit/tokenEstimate';
import { useDaemonAndFake } from './harness';

/**
 * The run: a $0.05 daily budget and 20 concurrent asks naming a model the catalogue has
 * no price for. Before, each answered with costUsd null, reserved nothing and spent past the
 * budget while `status` still showed it nearly untouched. Now the model is reserved and billed
 * at the stated conservative price (Anthropic's dearest), or refused under "refuse".
 */
const MODEL = 'claude-unlisted-9';
const BUDGET = 0.05;
const MAX_TOKENS = 400;
const ask = (i: number): ChatRequest => ({
  messages: [{ role: 'user', content: `unpriced request ${String(i).padStart(2, '0')}` }],
  provider: 'anthropic',
  model: MODEL,
  max_tokens: MAX_TOKENS,
  feature: 'ask',
});
// The provider bills the prompt it got (at most the upper bound the budget reserves) and every output token.
const USAGE = { input: inputTokensUpperBound(ask(0).messages, undefined), output: MAX_TOKENS };

async function settle(promises: Promise<unknown>[]): Promise<{ sent: number; refused: ConduitError[] }> {
  const all = await Promise.allSettled(promises);
  const refused = all
    .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
    .map((s) => s.reason as ConduitError);
  return { sent: all.length - refused.length, refused };
}

describe('a model without a known price under a budget (reserve-dearest, the default)', () => {
  const env = useDaemonAndFake({
    config: { rateLimit: { enabled: false }, budgets: { dailyUsd: BUDGET } },
    resetEachTest: false,
  });

  it('20 concurrent asks: spend at the stated conservative price stays within $0.05, recorded as approximate, one alert, status shows it apart', async () => {
    expect(findModel('anthropic', MODEL)).toBeUndefined();
    env.fake.setDefault('anthropic', { text: 'ok', usage: USAGE, headerDelayMs: 100 });
    const client = await env.h.connect();
    // eslint-disable-next-line no-useless-assignment -- the count the checks after the try read if it throws first
    let sent = 0;
    try {
      const outcome = await settle(Array.from({ length: 20 }, (_, i) => client.chat(ask(i))));
      sent = outcome.sent;
      const refused = outcome.refused;
      expect(sent).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      expect(new Set(refused.map((e) => e.code))).toEqual(new Set(['budget_exceeded']));
      expect(env.fake.requestsFor('anthropic')).toHaveLength(sent);

      // The stated conservative price, from the alert and status: Anthropic's dearest model.
      const status = await env.h.status();
      const unpriced = status.unpricedSpend!;
      expect(unpriced.requests).toBe(sent);
      expect(unpriced.models).toHaveLength(1);
      const assumed = assumedPrices('anthropic')!;
      expect(unpriced.models[0]).toEqual({ model: `anthropic/${MODEL}`, assumedFrom: assumed.dearestModel });
      // What the provider reported, at those prices, by hand: uncached input and output.
      const perAnswer = (USAGE.input * assumed.prices.input + USAGE.output * assumed.prices.output) / 1e6;
      expect(unpriced.usd).toBeCloseTo(sent * perAnswer, 9);
      expect(sent * perAnswer).toBeLessThanOrEqual(BUDGET);
      const day = status.budgets!.find((b) => b.scope === 'global' && b.period === 'day')!;
      expect(day.spentUsd).toBeCloseTo(sent * perAnswer, 9);
      expect(day.spentUsd).toBeLessThanOrEqual(BUDGET);

      const text = await env.h.cli(['status']);
      expect(text.stdout).toMatch(
        new RegExp(
          `unpriced +\\$0\\.\\d+ today at assumed prices \\(approximate; ${sent} request\\(s\\)\\): anthropic/${MODEL} at ${assumed.dearestModel}'s prices`,
        ),
      );
      // Each request's own line comes after any alert it fired: once all 20 are on disk, so is every alert.
      await env.h.waitForLog((l) => l.msg === 'request', { count: 20, what: 'the 20 requests' });
      expect(env.h.logText().match(/alert fired: anthropic\/claude-unlisted-9 has no known price/g)).toHaveLength(1);
    } finally {
      client.close();
    }
    const rows = JSON.parse((await env.h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
    const answered = rows.filter((r) => r.errorCode === null);
    expect(answered).toHaveLength(sent);
    for (const r of answered) {
      expect(r.costEstimated).toBe(true);
      expect(r.costUsd).toBeCloseTo((USAGE.input * assumed().input + USAGE.output * assumed().output) / 1e6, 12);
    }
  });
});

function assumed(): { input: number; output: number } {
  return assumedPrices('anthropic')!.prices;
}

describe('a model without a known price under a budget, with budgets.unpricedModels "refuse"', () => {
  const env = useDaemonAndFake({
    config: { rateLimit: { enabled: false }, budgets: { dailyUsd: BUDGET, unpricedModels: 'refuse' } },
  });

  it('is refused with a message that says what to do, and nothing is sent', async () => {
    const client = await env.h.connect();
    try {
      const err = await client.chat(ask(0)).then(
        () => undefined,
        (e: unknown) => e as ConduitError,
      );
      expect(err?.code).toBe('budget_exceeded');
      expect(err?.message).toMatch(
        /anthropic\/claude-unlisted-9 has no known price, and budgets\.unpricedModels is "refuse".*`prices` in config\.json/,
      );
      expect(env.fake.requestsFor('anthropic')).toHaveLength(0);
    } finally {
      client.close();
    }
  });
});
