import { describe, expect, it } from 'vitest';
import type { TeamUsageTotal } from '../../../../protocol';
import { formatTeamUsage } from '../../../../daemon/usage/teamUsageTable';

const total = (name: string, requests: number, costUsd: number): TeamUsageTotal => ({
  name,
  requests,
  costUsd,
  costSavedUsd: 0.5,
  inputTokens: 100,
  outputTokens: 20,
  errors: 1,
});

describe('conduit usage --team as a table', () => {
  it('shows the team total, each person and each feature with their figures, and warns when the stream was capped', () => {
    const text = formatTeamUsage({
      teamId: 'platform',
      since: Date.UTC(2026, 0, 1),
      until: Date.UTC(2026, 0, 8),
      total: total('team', 30, 12.5),
      byPerson: [total('Alice', 20, 10), total('Bob', 10, 2.5)],
      byFeature: [total('ask', 30, 12.5)],
      oldestAt: Date.UTC(2026, 0, 3),
    });
    expect(text).toMatch(/^Team platform, 2026-01-01T00:00:00\.000Z to 2026-01-08T00:00:00\.000Z/);
    expect(text).toMatch(/By person\n {2}Alice\s+20\s+\$10\.00\s+\$0\.50\s+120\s+1\n {2}Bob\s+10\s+\$2\.50/);
    expect(text).toMatch(/By feature\n {2}ask\s+30\s+\$12\.50/);
    expect(text).toMatch(/only goes back to 2026-01-03/);
  });
});
