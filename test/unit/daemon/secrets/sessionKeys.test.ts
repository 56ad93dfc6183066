import { describe, expect, it } from 'vitest';
import { SessionKeys } from '../../../../daemon/secrets/sessionKeys';

const A = 'sk-test-FAKE-session-window-a-00000000000001';
const B = 'sk-test-FAKE-session-window-b-00000000000002';

describe('SessionKeys: keys handed over by windows, per connection', () => {
  it('forgets a key when the connection that provided it closes', () => {
    const keys = new SessionKeys();
    keys.provide(1, 'default', 'openai', A);
    expect(keys.get('default', 'openai')).toBe(A);
    expect(keys.get('prod', 'openai')).toBeUndefined();
    expect(keys.get('default', 'anthropic')).toBeUndefined();
    expect(keys.forgetConnection(1)).toBe(1);
    expect(keys.get('default', 'openai')).toBeUndefined();
    expect(keys.size).toBe(0);
  });

  it('keeps a key while another window that provided it is still connected', () => {
    const keys = new SessionKeys();
    keys.provide(1, 'default', 'openai', A);
    keys.provide(2, 'default', 'openai', A);
    keys.forgetConnection(1);
    expect(keys.get('default', 'openai')).toBe(A);
    keys.forgetConnection(2);
    expect(keys.get('default', 'openai')).toBeUndefined();
  });

  it('uses the key provided last, and falls back to the other window when that one leaves', () => {
    const keys = new SessionKeys();
    keys.provide(1, 'default', 'openai', A);
    keys.provide(2, 'default', 'openai', B);
    expect(keys.get('default', 'openai')).toBe(B);
    keys.provide(1, 'default', 'openai', A);
    expect(keys.get('default', 'openai')).toBe(A);
    keys.forgetConnection(1);
    expect(keys.get('default', 'openai')).toBe(B);
  });

  it('withdraws a key with null, and a closing connection that provided nothing drops nothing', () => {
    const keys = new SessionKeys();
    keys.provide(1, 'default', 'openai', A);
    keys.provide(1, 'default', 'openai', null);
    expect(keys.get('default', 'openai')).toBeUndefined();
    keys.provide(2, 'default', 'gemini', B);
    expect(keys.forgetConnection(3)).toBe(0);
    expect(keys.get('default', 'gemini')).toBe(B);
  });

  it('tells the redactor about every key it is given', () => {
    const seen: string[] = [];
    const keys = new SessionKeys((k) => seen.push(k));
    keys.provide(1, 'default', 'openai', A);
    keys.provide(1, 'default', 'openai', null);
    expect(seen).toEqual([A]);
  });
});
