import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../../../../protocol';
import type { CacheEntry } from '../../../../daemon/cache/cacheEntry';
import { rateLimitSettingsSchema, limitsFor } from '../../../../daemon/ratelimit/rateLimitSettings';
import { decodeEntry, encodeEntry } from '../../../../daemon/team/cacheWire';
import { displayUrl, redisOptions } from '../../../../daemon/team/redisOptions';
import { scaledLimits } from '../../../../daemon/team/scaledLimits';
import { teamRedisUrl, teamSchema } from '../../../../daemon/team/teamSettings';

const entry = (): CacheEntry => ({
  key: 'k1',
  scope: 's1',
  feature: 'ask',
  request: {
    messages: [{ role: 'user', content: 'the prompt words' }],
    system: 'the system prompt',
    provider: 'openai',
    model: 'm',
  },
  prompt: 'the prompt words',
  text: 'the answer',
  provider: 'openai',
  model: 'm',
  stopReason: 'stop',
  usage: emptyUsage(),
  costUsd: 0.01,
  createdAt: 1,
  expiresAt: Date.now() + 60_000,
  hits: 3,
  vector: new Float32Array([0.6, 0.8]),
  embedder: 'lexical-v1',
});

describe('team settings', () => {
  it('accept a password in the URL (configReport warns about it), and refuse other schemes', () => {
    expect(teamSchema.safeParse({ redisUrl: 'redis://:hunter2@redis.internal:6379' }).success).toBe(true);
    expect(teamSchema.safeParse({ redisUrl: 'http://redis.internal' }).success).toBe(false);
    expect(teamSchema.parse({ redisUrl: 'rediss://redis.internal:6380' }).id).toBe('default');
  });

  it('CONDUIT_REDIS_URL wins over the setting; without either, team mode is off', () => {
    const s = teamSchema.parse({ redisUrl: 'redis://a:6379' });
    expect(teamRedisUrl(s, { CONDUIT_REDIS_URL: 'redis://b:6379' })).toBe('redis://b:6379');
    expect(teamRedisUrl(s, {})).toBe('redis://a:6379');
    expect(teamRedisUrl(teamSchema.parse({}), {})).toBeUndefined();
  });
});

describe('Redis connection options', () => {
  it('rediss:// turns TLS on; the keychain password is used, and the shown URL has no credentials', () => {
    const o = redisOptions('rediss://team@redis.internal:6380/2', 's3cret', 1000);
    expect(o).toMatchObject({
      host: 'redis.internal',
      port: 6380,
      username: 'team',
      password: 's3cret',
      db: 2,
      tls: { servername: 'redis.internal' },
      enableOfflineQueue: false,
    });
    expect(redisOptions('redis://127.0.0.1:6379', undefined, 1000).tls).toBeUndefined();
    expect(displayUrl('rediss://team:s3cret@redis.internal:6380/2')).toBe('rediss://redis.internal:6380/2');
  });
});

describe('cache entries on the wire', () => {
  it('without sampling: the answer, but neither the prompt, the messages, the system prompt nor the vector', () => {
    const wire = encodeEntry(entry(), false);
    expect(wire).toContain('the answer');
    expect(wire).not.toMatch(/prompt words|system prompt/);
    const back = decodeEntry(wire)!;
    expect(back).toMatchObject({ key: 'k1', text: 'the answer', prompt: '', hits: 0 });
    expect(back.vector).toBeUndefined();
    expect(back.embedder).toBeUndefined();
  });

  it('with sampling: the prompt and the vector round-trip exactly', () => {
    const back = decodeEntry(encodeEntry(entry(), true))!;
    expect(back.prompt).toBe('the prompt words');
    expect([...back.vector!]).toEqual([...new Float32Array([0.6, 0.8])]);
    expect(back.embedder).toBe('lexical-v1');
  });

  it('the stop sequence an answer ended at goes with it, with or without sampling', () => {
    for (const withPrompt of [false, true]) {
      const back = decodeEntry(
        encodeEntry({ ...entry(), stopReason: 'stop_sequence', stopSequence: 'END' }, withPrompt),
      )!;
      expect(back).toMatchObject({ stopReason: 'stop_sequence', stopSequence: 'END' });
    }
  });

  it('garbage is no entry', () => {
    expect(decodeEntry('{not json')).toBeUndefined();
    expect(decodeEntry('{"key":1}')).toBeUndefined();
  });
});

describe('local limits while Redis is away', () => {
  it('are the configured limits times the share, per provider', () => {
    const settings = rateLimitSettingsSchema.parse({
      tier: 'tier1',
      overrides: { openai: { rpm: 600, tpm: 100_000 } },
    });
    const half = scaledLimits(settings, 0.5);
    expect(limitsFor(half, 'openai')).toMatchObject({ rpm: 300, tpm: 50_000 });
    const anthropic = limitsFor(settings, 'anthropic')!;
    expect(limitsFor(half, 'anthropic')).toMatchObject({
      rpm: Math.floor(anthropic.rpm! / 2),
      itpm: Math.floor(anthropic.itpm! / 2),
    });
    expect(scaledLimits(settings, 1)).toBe(settings);
  });
});
