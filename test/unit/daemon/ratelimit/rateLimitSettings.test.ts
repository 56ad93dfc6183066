import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../daemon/config/config';
import { MAX_LIMITERS_PER_PROVIDER, RateLimiter, keyIdOf } from '../../../../daemon/ratelimit/rateLimiter';
import { limitsFor, rateLimitSettingsSchema } from '../../../../daemon/ratelimit/rateLimitSettings';
import { evaluateAlerts } from '../../../../daemon/usage/alertRules';
import { defaultAlertThresholds } from '../../../../daemon/usage/alertThresholds';

describe('rate-limit settings', () => {
  it('default to tier 1, enabled, in the daemon config', () => {
    const config = configSchema.parse({});
    expect(config.rateLimit).toMatchObject({
      enabled: true,
      tier: 'tier1',
      maxQueue: 200,
      margin: 0.02,
      overrides: {},
    });
    expect(limitsFor(config.rateLimit, 'anthropic')).toEqual({ rpm: 50, itpm: 30_000, otpm: 8_000 });
    expect(limitsFor(config.rateLimit, 'openai')).toEqual({ rpm: 500, tpm: 500_000 });
    expect(limitsFor(config.rateLimit, 'gemini')).toEqual({ rpm: 1_000, tpm: 1_000_000 });
    // A local server publishes no limits.
    expect(limitsFor(config.rateLimit, 'openaiCompatible')).toBeUndefined();
  });

  it('overrides replace single numbers of the tier; custom uses only overrides; disabled limits nothing', () => {
    const s = rateLimitSettingsSchema.parse({
      tier: 'tier2',
      overrides: { anthropic: { otpm: 5000, burst: 10 }, openaiCompatible: { rpm: 30 } },
    });
    expect(limitsFor(s, 'anthropic')).toEqual({ rpm: 1_000, itpm: 450_000, otpm: 5000, burst: 10 });
    expect(limitsFor(s, 'openaiCompatible')).toEqual({ rpm: 30 });
    const custom = rateLimitSettingsSchema.parse({
      tier: 'custom',
      overrides: { openai: { rpm: 600, tpm: 20_000, burst: 1 } },
    });
    expect(limitsFor(custom, 'openai')).toEqual({ rpm: 600, tpm: 20_000, burst: 1 });
    expect(limitsFor(custom, 'anthropic')).toBeUndefined();
    expect(limitsFor(rateLimitSettingsSchema.parse({ enabled: false }), 'openai')).toBeUndefined();
    expect(rateLimitSettingsSchema.safeParse({ tier: 'tier9' }).success).toBe(false);
    expect(rateLimitSettingsSchema.safeParse({ overrides: { openai: { rpm: -1 } } }).success).toBe(false);
  });

  it('keeps one limiter per provider and key, named by a short hash, never the key', () => {
    const settings = rateLimitSettingsSchema.parse({});
    const r = new RateLimiter({ settings: () => settings });
    const a = r.limiterFor('openai', 'sk-secret-one');
    expect(r.limiterFor('openai', 'sk-secret-one')).toBe(a);
    expect(r.limiterFor('openai', 'sk-secret-two')).not.toBe(a);
    expect(r.limiterFor('openaiCompatible', undefined)).toBeUndefined();
    const json = JSON.stringify(r.status());
    expect(json).not.toContain('sk-secret');
    expect(r.status().map((s) => s.keyId)).toEqual([keyIdOf('sk-secret-one'), keyIdOf('sk-secret-two')]);
    expect(keyIdOf('sk-secret-one')).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('the "consistently hitting limits" alert', () => {
  const snapshot = (requests: number, limited: number) => ({
    recent: [],
    cost: null,
    cacheBaseline: null,
    queueingForMs: null,
    ledgerDegraded: null,
    limitPressure: { requests, limited },
  });

  it('fires when more than 20% of requests in the window waited or got a 429, and suggests a higher tier', () => {
    const [alert] = evaluateAlerts(snapshot(50, 11), defaultAlertThresholds, Date.now());
    expect(alert).toMatchObject({ id: 'queueing_pressure', kind: 'queueing', severity: 'warning', threshold: 0.2 });
    expect(alert!.message).toMatch(
      /^Consistently hitting rate limits: 22% of requests in the last 10 min waited for capacity or got a 429 \(11 of 50\)\. A higher tier would help/,
    );
  });

  it('stays quiet at 20% or below, and with too few requests to tell', () => {
    expect(evaluateAlerts(snapshot(50, 10), defaultAlertThresholds, Date.now())).toEqual([]);
    expect(evaluateAlerts(snapshot(5, 5), defaultAlertThresholds, Date.now())).toEqual([]);
  });
});

describe('the limiters are bounded by count', () => {
  it('keeps at most MAX_LIMITERS_PER_PROVIDER keys per provider, and a key with requests waiting', async () => {
    const settings = rateLimitSettingsSchema.parse({ tier: 'custom', overrides: { openai: { rpm: 1, burst: 1 } } });
    const r = new RateLimiter({ settings: () => settings, now: () => 0 });
    const busy = r.limiterFor('openai', 'sk-busy-key')!;
    busy.tryAcquire({ input: 1, output: 1 }, 'interactive');
    const ac = new AbortController();
    const waiting = busy
      .acquire({ input: 1, output: 1 }, { priority: 'interactive', signal: ac.signal })
      .catch(() => 'aborted');
    expect(busy.queued).toBe(1);
    for (let i = 0; i < MAX_LIMITERS_PER_PROVIDER * 4; i++) r.limiterFor('openai', `sk-rotated-${i}`);
    expect(r.status()).toHaveLength(MAX_LIMITERS_PER_PROVIDER);
    expect(r.limiterFor('openai', 'sk-busy-key')).toBe(busy);
    ac.abort();
    expect(await waiting).toBe('aborted');
  });
});
