import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../daemon/config/config';
import { deadlinePolicy } from '../../../../daemon/resilience/interactiveDeadlines';

const timeouts = configSchema.parse({}).resilience.timeouts;

describe('deadlinePolicy', () => {
  it('interactive: 60 s overall, 15 s to the first byte, which fails over', () => {
    const p = deadlinePolicy(timeouts, 'ask', 'interactive');
    expect(p).toMatchObject({ requestMs: 60_000, firstByteFailsOver: true, timeouts: { firstByteMs: 15_000 } });
    expect(deadlinePolicy(timeouts, 'ask', undefined).requestMs).toBe(60_000);
  });

  it('background: the long defaults, and a first-byte timeout is retried as before', () => {
    expect(deadlinePolicy(timeouts, 'ask', 'background')).toMatchObject({
      requestMs: 300_000,
      firstByteFailsOver: false,
      timeouts: { firstByteMs: 60_000 },
    });
  });

  it('a per-feature first-byte setting wins, and the interactive values never exceed the general ones', () => {
    const t = { ...timeouts, firstByteMsByFeature: { explain: 5000 }, requestMs: 30_000, firstByteMs: 8000 };
    expect(deadlinePolicy(t, 'explain', 'interactive').timeouts.firstByteMs).toBe(5000);
    expect(deadlinePolicy(t, 'ask', 'interactive')).toMatchObject({
      requestMs: 30_000,
      timeouts: { firstByteMs: 8000 },
    });
  });
});
