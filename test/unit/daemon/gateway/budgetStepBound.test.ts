import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../daemon/config/config';
import { BudgetStep, MAX_ANNOUNCED_UNPRICED } from '../../../../daemon/gateway/budgetStep';
import { BudgetTable } from '../../../../daemon/usage/budgetTable';
import type { UnpricedUse } from '../../../../daemon/usage/eventAlerts';

describe('BudgetStep: unpriced models announced', () => {
  it('remembers at most MAX_ANNOUNCED_UNPRICED models, announcing each once while it is remembered', async () => {
    const config = configSchema.parse({ budgets: { dailyUsd: 10, unpricedModels: 'refuse' } });
    const table = new BudgetTable({ settings: () => config.budgets, now: () => 0, utcOffsetMinutes: () => 0 });
    const announced: UnpricedUse[] = [];
    const step = new BudgetStep({ table, modelFor: () => 'x', onUnpriced: (e) => announced.push(e) });
    const ask = (model: string) =>
      step
        .run({ provider: 'openai', model, messages: [{ role: 'user', content: 'hi' }] }, undefined, config, () => {
          throw new Error('refused before going upstream');
        })
        .catch((err: unknown) => (err as { code?: string }).code);
    const n = MAX_ANNOUNCED_UNPRICED * 4;
    for (let i = 0; i < n; i++) expect(await ask(`made-up-${i}`)).toBe('budget_exceeded');
    expect(announced).toHaveLength(n);
    const remembered = (step as unknown as { announced: { size: number } }).announced;
    expect(remembered.size).toBe(MAX_ANNOUNCED_UNPRICED);
    await ask(`made-up-${n - 1}`);
    expect(announced).toHaveLength(n);
  });
});
