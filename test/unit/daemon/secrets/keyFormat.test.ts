import { describe, expect, it } from 'vitest';
import { keychainError } from '../../../../daemon/secrets/keychain';
import { checkKey, last4 } from '../../../../daemon/secrets/keyFormat';
import { keychainService } from '../../../../daemon/secrets/keychainService';

describe('key format checks', () => {
  it("trims, and accepts each provider's usual shape without a warning", () => {
    expect(checkKey('anthropic', '  sk-ant-api03-FAKE0000000000000000\n')).toEqual({
      key: 'sk-ant-api03-FAKE0000000000000000',
      warnings: [],
    });
    expect(checkKey('openai', 'sk-proj-FAKE00000000000000000000').warnings).toEqual([]);
    expect(checkKey('openai', 'sk-FAKE000000000000000000000000').warnings).toEqual([]);
    expect(checkKey('gemini', 'AIzaFAKE0000000000000000000000000000000').warnings).toEqual([]);
  });

  it('warns about embedded whitespace, line breaks and foreign formats', () => {
    expect(checkKey('openai', 'sk-FAKE0000 0000000000000000000').warnings.join()).toMatch(/whitespace/);
    expect(checkKey('openai', 'sk-FAKE00000000\nsk-FAKE00000000').warnings.join()).toMatch(/line break/);
    expect(checkKey('anthropic', 'sk-proj-FAKE00000000000000000000').warnings.join()).toMatch(
      /does not look like a anthropic key \(expected sk-ant-…\)/,
    );
    expect(checkKey('gemini', 'sk-FAKE000000000000000000000000').warnings.join()).toMatch(/AIza/);
    expect(checkKey('openai', 'sk-ant-FAKE0000000000000000000').warnings.join()).toMatch(/Anthropic key/);
    // A local server's key can be anything.
    expect(checkKey('openaiCompatible', 'whatever').warnings).toEqual([]);
  });

  it('shows at most the last 4 characters, and none of a short key', () => {
    expect(last4('sk-FAKE000000000000001234')).toBe('1234');
    expect(last4('short')).toBe('');
  });
});

describe('keychain errors say how to fix them', () => {
  it('no D-Bus', () => {
    const e = keychainError(
      new Error(
        'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
      ),
    );
    expect(e.kind).toBe('no-dbus');
    expect(e.message).toMatch(/no D-Bus session bus/);
    expect(e.message).toMatch(/OPENAI_API_KEY/);
  });

  it('locked', () => {
    for (const m of [
      'Cannot create an item in a locked collection',
      'unlock prompt was dismissed',
      "Couldn't access platform storage: Secret Service: no result found",
    ]) {
      const e = keychainError(new Error(m));
      expect(e.kind, m).toBe('locked');
      expect(e.message).toMatch(/Unlock your login keyring/);
    }
  });

  it('denied', () => {
    expect(keychainError(new Error('User interaction is not allowed / access denied')).kind).toBe('denied');
  });
});

describe('the keychain namespace', () => {
  it('is "conduit" for the default home, its own for any other, and can be set', () => {
    const env = { HOME: '/home/u', XDG_DATA_HOME: '/home/u/.local/share' };
    expect(keychainService('/home/u/.local/share/conduit', env)).toBe(
      process.platform === 'linux' ? 'conduit' : expect.any(String),
    );
    expect(keychainService('/tmp/cdt-1', env)).toMatch(/^conduit-[0-9a-f]{12}$/);
    expect(keychainService('/tmp/cdt-1', env)).not.toBe(keychainService('/tmp/cdt-2', env));
    expect(keychainService('/tmp/cdt-1', { ...env, CONDUIT_KEYCHAIN_SERVICE: 'mine' })).toBe('mine');
  });
});
