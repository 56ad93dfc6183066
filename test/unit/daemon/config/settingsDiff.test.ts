import { describe, expect, it } from 'vitest';
import { settingsDiff } from '../../../../daemon/config/settingsDiff';

describe('settingsDiff', () => {
  it('names the leaves that differ, including ones set on one side only', () => {
    expect(
      settingsDiff(
        {
          provider: 'openai',
          budgets: { dailyUsd: 1, monthlyUsd: 5 },
          resilience: { fallback: { chains: { '*': [{ provider: 'gemini' }] } } },
        },
        {
          provider: 'openai',
          budgets: { dailyUsd: 2, monthlyUsd: 5 },
          logLevel: 'debug',
          resilience: { fallback: { chains: { '*': [{ provider: 'openai' }] } } },
        },
      ),
    ).toEqual(['budgets.dailyUsd', 'logLevel', 'resilience.fallback.chains.*']);
  });

  it('is empty for equal settings, and names an object against a plain value by its leaves', () => {
    expect(settingsDiff({ a: { b: [1, 2] } }, { a: { b: [1, 2] } })).toEqual([]);
    expect(settingsDiff({ providers: { anthropic: { model: 'x' } } }, { providers: 'x' })).toEqual([
      'providers.anthropic.model',
    ]);
  });
});
