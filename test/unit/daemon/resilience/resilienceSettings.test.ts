import { describe, expect, it } from 'vitest';
import { resilienceSchema } from '../../../../daemon/config/config';
import { attemptTimeouts, retrySettings, startDeadline } from '../../../../daemon/resilience/resilienceSettings';

describe('resilience settings from config', () => {
  const cfg = resilienceSchema.parse({
    timeouts: { firstByteMs: 20_000, firstByteMsByFeature: { explain: 5000, long: 200_000 } },
  });

  it('takes the retry settings as configured (defaults: 4 attempts from 1 s, 60 s budget)', () => {
    expect(retrySettings(resilienceSchema.parse({}))).toEqual({
      maxAttempts: 4,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      retryBudgetMs: 60_000,
    });
  });

  it("uses the feature's first-byte timeout when it has one", () => {
    expect(attemptTimeouts(cfg.timeouts, 'explain')).toMatchObject({ firstByteMs: 5000, streamIdleMs: 30_000 });
    expect(attemptTimeouts(cfg.timeouts, 'ask')).toMatchObject({ firstByteMs: 20_000 });
    expect(attemptTimeouts(cfg.timeouts)).toMatchObject({ firstByteMs: 20_000 });
  });

  it('gives a non-streamed call at least 120 s, since its first byte is the whole answer', () => {
    expect(attemptTimeouts(cfg.timeouts, 'explain').callMs).toBe(120_000);
    expect(attemptTimeouts(cfg.timeouts, 'long').callMs).toBe(200_000);
  });

  it('starts the request deadline on the given clock', () => {
    expect(startDeadline(300_000, { now: () => 1000, setTimeout: () => 0, clearTimeout: () => undefined })).toEqual({
      at: 301_000,
      totalMs: 300_000,
    });
  });
});
