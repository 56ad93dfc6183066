import { describe, expect, it } from 'vitest';
import { userLevelSettings, type ScopedValue } from '../../../extension/settingsScope';

const inspector = (levels: Record<string, ScopedValue>) => (key: string) => levels[key];

describe('which settings the shared daemon follows', () => {
  it('reads the user level only, whatever the workspace says', () => {
    const { read } = userLevelSettings(
      inspector({
        budgets: { globalValue: { dailyUsd: 5 }, workspaceValue: { dailyUsd: 1 } },
        logLevel: { workspaceFolderValue: 'debug' },
      }),
      ['budgets', 'logLevel'],
    );
    expect(read('budgets')).toEqual({ dailyUsd: 5 });
    expect(read('logLevel')).toBeUndefined();
  });

  it("lists the workspace values the daemon does not take, but not the provider, which steers this window's requests", () => {
    const { workspaceOnly } = userLevelSettings(
      inspector({
        provider: { globalValue: 'anthropic', workspaceValue: 'openai' },
        budgets: { globalValue: { dailyUsd: 5 }, workspaceValue: { dailyUsd: 1 } },
        logLevel: { workspaceFolderValue: 'debug' },
        // The same value in both places changes nothing, so nothing to say.
        'cache.enabled': { globalValue: false, workspaceValue: false },
        'rateLimit.tier': { globalValue: 'tier2' },
      }),
      ['provider', 'budgets', 'logLevel', 'cache.enabled', 'rateLimit.tier'],
    );
    expect(workspaceOnly).toEqual(['conduit.budgets', 'conduit.logLevel']);
  });
});
