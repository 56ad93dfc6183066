import { describe, expect, it } from 'vitest';
import { resilienceSchema } from '../../../../daemon/config/config';
import { planFallbacks, type PlanDeps, type Target } from '../../../../daemon/resilience/fallbackPlan';

const prices: Record<string, number> = {
  'anthropic/a-mid': 10,
  'openai/o-cheap': 2,
  'openai/o-dear': 40,
  'gemini/g-cheap': 1,
};
const deps: PlanDeps = {
  defaultModel: (p) =>
    (({ anthropic: 'a-mid', openai: 'o-cheap', gemini: 'g-cheap' }) as Record<string, string>)[p] ?? 'local',
  isCostlier: (c: Target, p: Target) => {
    const a = prices[`${c.provider}/${c.model}`];
    const b = prices[`${p.provider}/${p.model}`];
    return a === undefined || b === undefined ? null : a > b;
  },
  hasKey: (p) => p !== 'gemini',
};
const primary: Target = { provider: 'anthropic', model: 'a-mid' };
const fallback = (chains: unknown, allowCostlier = false) =>
  resilienceSchema.parse({ fallback: { chains, allowCostlier } }).fallback;

describe('planFallbacks', () => {
  it('takes the feature chain in order, filling in default models and dropping the primary', () => {
    const plan = planFallbacks(
      primary,
      'ask',
      fallback({ ask: [{ provider: 'anthropic' }, { provider: 'openai' }, { provider: 'openaiCompatible' }] }),
      deps,
    );
    expect(plan.targets).toEqual([
      { provider: 'openai', model: 'o-cheap' },
      { provider: 'openaiCompatible', model: 'local' },
    ]);
  });

  it('uses the "*" chain for features without their own', () => {
    const plan = planFallbacks(primary, 'explain', fallback({ '*': [{ provider: 'openai' }] }), deps);
    expect(plan.targets).toEqual([{ provider: 'openai', model: 'o-cheap' }]);
  });

  it('the cost guard leaves out dearer and unknown-price models unless allowed', () => {
    const chain = {
      ask: [
        { provider: 'openai', model: 'o-dear' },
        { provider: 'openai', model: 'mystery' },
        { provider: 'openai', model: 'o-cheap' },
      ],
    };
    const guarded = planFallbacks(primary, 'ask', fallback(chain), deps);
    expect(guarded.targets).toEqual([{ provider: 'openai', model: 'o-cheap' }]);
    expect(guarded.skipped.map((s) => s.reason)).toEqual([
      'costlier than the primary (cost guard)',
      'unknown price (cost guard)',
    ]);
    const allowed = planFallbacks(primary, 'ask', fallback(chain, true), deps);
    expect(allowed.targets).toHaveLength(3);
  });

  it('skips providers without a key', () => {
    const plan = planFallbacks(primary, 'ask', fallback({ ask: [{ provider: 'gemini' }] }), deps);
    expect(plan.targets).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe('no API key');
  });
});
