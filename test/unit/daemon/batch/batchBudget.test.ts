import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../protocol';
import { checkBatchBudget } from '../../../../daemon/batch/batchBudget';
import type { BatchEntry } from '../../../../daemon/batch/batchTypes';
import { configSchema } from '../../../../daemon/config/config';
import { BudgetTable } from '../../../../daemon/usage/budgetTable';
import { budgetSchema } from '../../../../daemon/usage/budgetSettings';
import { worstCaseCost } from '../../../../daemon/usage/pricing';

const MODEL = 'claude-sonnet-4-6';
const config = configSchema.parse({});

function entries(n: number, maxTokens: number, feature = 'docs'): BatchEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    customId: `r${i}`,
    line: i + 1,
    feature,
    request: { messages: [{ role: 'user', content: 'x'.repeat(400) }] },
    providerRequest: { model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(400) }], maxTokens },
  }));
}

describe('checkBatchBudget', () => {
  // Ten requests of 100 input tokens and 4,000 output tokens, at half price.
  const worstOfTen = (10 * worstCaseCost('anthropic', MODEL, 100, 4000).usd!) / 2;

  it('refuses a batch whose worst case at batch prices is over what the budget has left, and reserves nothing', () => {
    const table = new BudgetTable({
      settings: () => budgetSchema.parse({ byFeature: { docs: { dailyUsd: worstOfTen * 0.9 } } }),
    });
    let error: unknown;
    try {
      checkBatchBudget(table, config, 'anthropic', MODEL, entries(10, 4000));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConduitError);
    expect((error as ConduitError).data.code).toBe('budget_exceeded');
    expect((error as ConduitError).message).toMatch(/"docs" daily budget has \$[\d.]+ left/);
    expect(table.statuses().every((s) => s.reservedUsd === 0)).toBe(true);
  });

  it('lets through a batch that fits only at batch prices, and holds nothing afterwards', () => {
    const table = new BudgetTable({ settings: () => budgetSchema.parse({ dailyUsd: worstOfTen * 1.1 }) });
    expect(() => checkBatchBudget(table, config, 'anthropic', MODEL, entries(10, 4000))).not.toThrow();
    expect(worstOfTen * 2).toBeGreaterThan(worstOfTen * 1.1);
    expect(table.statuses()[0]).toMatchObject({ reservedUsd: 0, spentUsd: 0 });
  });

  it("counts a reasoning effort's thinking in the worst case, as a live call's budget check does", () => {
    const table = new BudgetTable({ settings: () => budgetSchema.parse({ dailyUsd: worstOfTen * 1.1 }) });
    const thinking = entries(10, 4000).map((e) => ({
      ...e,
      providerRequest: { ...e.providerRequest, reasoningEffort: 'high' as const },
    }));
    expect(() => checkBatchBudget(table, config, 'anthropic', MODEL, thinking)).toThrow(/could cost up to/);
  });

  it('batch results count as spend when they arrive', () => {
    const table = new BudgetTable({ settings: () => budgetSchema.parse({ dailyUsd: 1 }) });
    table.addSpend('docs', 0.25);
    expect(table.statuses()[0]).toMatchObject({ spentUsd: 0.25, remainingUsd: 0.75, reservedUsd: 0 });
  });
});
