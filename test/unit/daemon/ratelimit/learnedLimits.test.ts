import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LearnedLimits,
  learnedLimitsFile,
  limitsFromHeaders,
  MAX_LEARNED_KEYS,
} from '../../../../daemon/ratelimit/learnedLimits';
import { keyIdOf, RateLimiter } from '../../../../daemon/ratelimit/rateLimiter';
import { rateLimitSettingsSchema } from '../../../../daemon/ratelimit/rateLimitSettings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const home = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'learned-'));
  dirs.push(d);
  return d;
};

const anthropicHeaders = {
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-tokens-limit': '480000',
  'anthropic-ratelimit-input-tokens-limit': '400000',
  'anthropic-ratelimit-output-tokens-limit': '80000',
};

describe('limits learned from response headers', () => {
  it("reads each provider's limit headers in the presets' terms", () => {
    expect(limitsFromHeaders('anthropic', anthropicHeaders)).toEqual({ rpm: 4000, itpm: 400_000, otpm: 80_000 });
    expect(
      limitsFromHeaders('openai', { 'x-ratelimit-limit-requests': '5000', 'x-ratelimit-limit-tokens': '2000000' }),
    ).toEqual({ rpm: 5000, tpm: 2_000_000 });
    expect(limitsFromHeaders('gemini', {})).toBeUndefined();
  });

  it('keeps them per provider and hashed key id across restarts, and reports only changes', () => {
    const dir = home();
    const file = learnedLimitsFile(dir);
    const first = new LearnedLimits(file, () => Date.UTC(2026, 11, 6));
    expect(first.learn('anthropic', 'ab12cd34', anthropicHeaders)).toBe(true);
    expect(first.learn('anthropic', 'ab12cd34', anthropicHeaders)).toBe(false);
    expect(first.learn('anthropic', 'ab12cd34', {})).toBe(false);
    const restarted = new LearnedLimits(file);
    expect(restarted.get('anthropic', 'ab12cd34')).toEqual({ rpm: 4000, itpm: 400_000, otpm: 80_000 });
    expect(restarted.get('anthropic', 'ffffffff')).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))['anthropic:ab12cd34'].learnedAt).toBe('2026-12-06T00:00:00.000Z');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('limits learned, bounded by count', () => {
  it('keeps at most MAX_LEARNED_KEYS keys, in memory and in the file, the least recently learned going first', () => {
    const file = learnedLimitsFile(home());
    const learned = new LearnedLimits(file);
    const n = MAX_LEARNED_KEYS * 3;
    for (let i = 0; i < n; i++) learned.learn('anthropic', `key${i}`, anthropicHeaders);
    expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')))).toHaveLength(MAX_LEARNED_KEYS);
    const restarted = new LearnedLimits(file);
    expect(restarted.get('anthropic', `key${n - 1}`)).toEqual({ rpm: 4000, itpm: 400_000, otpm: 80_000 });
    expect(restarted.get('anthropic', 'key0')).toBeUndefined();
  });
});

describe('limits learned through the limiter', () => {
  it("learns each settled response's limits, under the key's hashed id, from the headers the buckets read", () => {
    const settings = rateLimitSettingsSchema.parse({});
    const learned = new LearnedLimits(undefined);
    const r = new RateLimiter({ settings: () => settings, learned });
    const limiter = r.limiterFor('anthropic', 'sk-ant-fake-key')!;
    const permit = limiter.tryAcquire({ input: 10, output: 10 }, 'interactive')!;
    permit.settle({ input: 10, output: 5 }, anthropicHeaders);
    expect(learned.get('anthropic', keyIdOf('sk-ant-fake-key'))).toEqual({ rpm: 4000, itpm: 400_000, otpm: 80_000 });
    expect(r.knowsLimits('anthropic', 'sk-ant-fake-key')).toBe(true);
    expect(r.knowsLimits('anthropic', 'sk-ant-other-fake-key')).toBe(false);
  });
});
