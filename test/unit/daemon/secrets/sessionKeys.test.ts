import { describe, expect, it } from 'vitest';
import { MAX_KEYS_PER_CONNECTION, SessionKeys } from '../../../../daemon/secrets/sessionKeys';

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

describe('SessionKeys: bounded by count', () => {
  it('holds at most MAX_KEYS_PER_CONNECTION keys for one connection, whatever profiles it names', () => {
    const keys = new SessionKeys();
    for (let i = 0; i < MAX_KEYS_PER_CONNECTION; i++) expect(keys.provide(1, `p${i}`, 'openai', A)).toBe(true);
    expect(keys.provide(1, 'one-more', 'openai', A)).toBe(false);
    expect(keys.get('one-more', 'openai')).toBeUndefined();
    expect(keys.size).toBe(MAX_KEYS_PER_CONNECTION);
    // A new key for a profile it holds replaces the old one; another connection has its own room.
    expect(keys.provide(1, 'p0', 'openai', B)).toBe(true);
    expect(keys.get('p0', 'openai')).toBe(B);
    expect(keys.provide(2, 'one-more', 'openai', A)).toBe(true);
    // Withdrawing one makes room again.
    expect(keys.provide(1, 'p1', 'openai', null)).toBe(true);
    expect(keys.provide(1, 'one-more', 'gemini', A)).toBe(true);
  });
});
