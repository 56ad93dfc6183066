import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../daemon/config/config';
import { configWithSettings, layOver } from '../../../daemon/server/handlers/configHandlers';
import { describeProblem, settingFor, settingsToDaemonConfig } from '../../../extension/settingsBridge';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('settings bridge: VS Code settings → daemon config', () => {
  it('sends nothing for settings the user did not set', () => {
    expect(settingsToDaemonConfig(reader({}))).toEqual({ settings: {}, problems: [] });
  });

  it('maps every setting onto the daemon config shape', () => {
    const { settings, problems } = settingsToDaemonConfig(
      reader({
        provider: 'openai',
        logLevel: 'debug',
        'fallback.chains': { '*': ['gemini', 'anthropic/claude-haiku-4-5'] },
        'fallback.allowCostlier': true,
        'timeouts.connectMs': 5000,
        'timeouts.requestMs': 120000,
        'rateLimit.tier': 'tier3',
        'cache.enabled': false,
        'cache.ttlMinutes': 30,
        'cache.semantic.threshold': 0.9,
        'cache.semantic.embedder': 'local',
        'alerts.errorRate': 0.1,
        'alerts.latencyP95Ms': 5000,
        'alerts.costSpikeRatio': 2,
        models: {
          openai: 'gpt-5.4-mini',
          gemini: '  ',
          anthropic: { simple: 'claude-haiku-5-5', complex: 'claude-opus-5-5' },
        },
        baseUrls: { openai: 'http://127.0.0.1:9/v1' },
      }),
    );
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      provider: 'openai',
      logLevel: 'debug',
      resilience: {
        fallback: {
          chains: { '*': [{ provider: 'gemini' }, { provider: 'anthropic', model: 'claude-haiku-4-5' }] },
          allowCostlier: true,
        },
        timeouts: { connectMs: 5000, requestMs: 120000 },
      },
      rateLimit: { tier: 'tier3' },
      cache: { enabled: false, ttlMs: 30 * 60_000, semantic: { threshold: 0.9, embedder: 'local' } },
      alerts: { errorRate: { rate: 0.1 }, latencyP95: { thresholdMs: 5000 }, costSpike: { ratio: 2 } },
      providers: {
        openai: {
          model: 'gpt-5.4-mini',
          models: { simple: 'gpt-5.4-mini', moderate: 'gpt-5.4-mini', complex: 'gpt-5.4-mini' },
          baseURL: 'http://127.0.0.1:9/v1',
        },
        anthropic: { models: { simple: 'claude-haiku-5-5', complex: 'claude-opus-5-5' } },
      },
    });
    // …and the daemon's own schema accepts the result as it is.
    const applied = configWithSettings(configSchema.parse({}), settings);
    expect(applied.problems).toEqual([]);
    expect(applied.config?.provider).toBe('openai');
    expect(applied.config?.resilience.timeouts.firstByteMs).toBe(60_000); // untouched defaults stay
    expect(applied.config?.cache.semantic.threshold).toBe(0.9);
  });

  it('reports what it cannot read, naming the setting, and sends the rest', () => {
    const { settings, problems } = settingsToDaemonConfig(
      reader({
        provider: 'gemini',
        'fallback.chains': { '*': ['nobody/x', 'openai'] },
        models: { mistral: 'x' },
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^conduit\.fallback\.chains\.\*: "nobody\/x"/);
    expect(problems[1]).toMatch(/^conduit\.models: unknown provider "mistral"/);
    expect(settings).toEqual({
      provider: 'gemini',
      resilience: { fallback: { chains: { '*': [{ provider: 'openai' }] } } },
    });
  });

  it('lets the daemon reject invalid values, and keeps the previous config in force', () => {
    const { settings } = settingsToDaemonConfig(
      reader({ 'timeouts.connectMs': -1, 'cache.semantic.threshold': 3, provider: 'openai', budgets: { daily: 1 } }),
    );
    const result = configWithSettings(configSchema.parse({}), settings);
    expect(result.config).toBeUndefined();
    const described = result.problems.map(describeProblem);
    expect(described.some((p) => p.startsWith('conduit.timeouts.connectMs (resilience.timeouts.connectMs:'))).toBe(
      true,
    );
    expect(described.some((p) => p.startsWith('conduit.cache.semantic.threshold (cache.semantic.threshold:'))).toBe(
      true,
    );
    expect(described.some((p) => /budgets/.test(p))).toBe(true); // not in the daemon's schema yet: said so
  });

  it('maps daemon problem paths back to setting names', () => {
    expect(settingFor('providers.openai.baseURL: Invalid URL')).toBe('conduit.baseUrls.openai');
    expect(settingFor('providers.gemini.model: Too small')).toBe('conduit.models.gemini');
    expect(settingFor('resilience.fallback.chains.*.0.provider: Invalid option')).toBe('conduit.fallback.chains');
    expect(settingFor('maxMessageBytes: Too small')).toBeUndefined();
  });
});

describe('config/update: settings laid over config.json', () => {
  it('merges objects key by key and replaces arrays', () => {
    expect(layOver({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] }, d: 1 });
  });

  it('keeps config.json values the settings do not mention', () => {
    const file = configSchema.parse({ provider: 'gemini', defaultMaxTokens: 77 });
    const result = configWithSettings(file, { cache: { enabled: false } });
    expect(result.config?.provider).toBe('gemini');
    expect(result.config?.defaultMaxTokens).toBe(77);
    expect(result.config?.cache.enabled).toBe(false);
  });

  it('refuses a settings value that is not an object', () => {
    expect(configWithSettings(configSchema.parse({}), 'nope').problems).toEqual(['(root): settings must be an object']);
  });
});

describe('settings bridge: team mode', () => {
  it('maps conduit.team.* onto the daemon\'s team section; empty text is "not set"', () => {
    const { settings, problems } = settingsToDaemonConfig(
      reader({
        'team.redisUrl': 'rediss://redis.internal:6380',
        'team.id': 'platform',
        'team.displayName': '',
        'team.offlineShare': 0.25,
        'team.budgets': { dailyUsd: 40 },
      }),
    );
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      team: { redisUrl: 'rediss://redis.internal:6380', id: 'platform', offlineShare: 0.25, budgets: { dailyUsd: 40 } },
    });
    expect(configSchema.parse(settings).team).toMatchObject({ id: 'platform', offlineShare: 0.25 });
  });
});
