import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../protocol';
import { guardSettingsSchema } from '../../../../daemon/guard/guardSettings';
import { guardRequest } from '../../../../daemon/guard/inputGuard';

const settings = (over: object = {}) => guardSettingsSchema.parse(over);
const ask = (content: string, feature = 'ask') => ({ messages: [{ role: 'user', content }], feature });

function errorOf(fn: () => unknown): ConduitError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConduitError) return err;
    throw err;
  }
  throw new Error('expected a ConduitError');
}

describe('guard in: sizes per feature', () => {
  it("refuses over the feature's character limit, naming the limit and the setting", () => {
    const guard = settings({ maxCharsByFeature: { explain: 100 } });
    const e = errorOf(() => guardRequest(ask('x'.repeat(101), 'explain'), { maxPromptChars: 1_000_000, guard }));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/101 characters; the limit for "explain" is 100.*guard\.maxCharsByFeature\["explain"\]/);
    // Other features keep the global limit.
    expect(
      guardRequest(ask('x'.repeat(101)), { maxPromptChars: 1_000_000, guard }).request.messages[0]!.content,
    ).toHaveLength(101);
  });

  it("refuses over the feature's estimated token limit", () => {
    const guard = settings({ maxTokensByFeature: { commit: 10 } });
    const e = errorOf(() => guardRequest(ask('y'.repeat(44), 'commit'), { maxPromptChars: 1_000_000, guard }));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/about 11 tokens .*limit for "commit" is 10/);
    expect(() => guardRequest(ask('y'.repeat(40), 'commit'), { maxPromptChars: 1_000_000, guard })).not.toThrow();
  });

  it('refuses a prompt that is not text', () => {
    const e = errorOf(() =>
      guardRequest(
        { messages: [{ role: 'user', content: { evil: true } }] },
        { maxPromptChars: 100, guard: settings() },
      ),
    );
    expect(e.code).toBe('bad_request');
  });
});

describe('guard in: secrets in prompts', () => {
  const prompt = 'why does AKIAFAKEFAKEFAKE0001 fail with ghp_FAKE0000000000000000000000000000000000 ?';

  it('redacts by default and says what it removed', () => {
    const { request, redacted } = guardRequest(
      { ...ask(prompt), system: 'DB_PASSWORD=hunter2-fake' },
      { maxPromptChars: 10_000, guard: settings() },
    );
    expect(request.messages[0]!.content).toBe('why does [REDACTED:aws_access_key] fail with [REDACTED:github_token] ?');
    expect(request.system).toBe('DB_PASSWORD=[REDACTED:env_secret]');
    expect(redacted).toEqual([
      { kind: 'aws_access_key', count: 1 },
      { kind: 'github_token', count: 1 },
      { kind: 'env_secret', count: 1 },
    ]);
  });

  it('blocks when set to, naming the kinds and the fix; nothing is returned to send', () => {
    const e = errorOf(() =>
      guardRequest(ask(prompt, 'review'), {
        maxPromptChars: 10_000,
        guard: settings({ secretsByFeature: { review: 'block' } }),
      }),
    );
    expect(e.code).toBe('guard_blocked');
    expect(e.message).toMatch(/1 aws access key, 1 github token/);
    expect(e.message).not.toContain('AKIAFAKE');
  });

  it('allows when set to', () => {
    const { request, redacted } = guardRequest(ask(prompt), {
      maxPromptChars: 10_000,
      guard: settings({ secrets: 'allow' }),
    });
    expect(request.messages[0]!.content).toBe(prompt);
    expect(redacted).toEqual([]);
  });

  it('accepts a profile and a JSON response format, and refuses a bad profile name', () => {
    expect(
      guardRequest({ ...ask('hi'), profile: 'prod', responseFormat: 'json' }, { maxPromptChars: 100 }).request,
    ).toMatchObject({ profile: 'prod', responseFormat: 'json' });
    expect(errorOf(() => guardRequest({ ...ask('hi'), profile: '../x' }, { maxPromptChars: 100 })).code).toBe(
      'bad_request',
    );
  });
});
