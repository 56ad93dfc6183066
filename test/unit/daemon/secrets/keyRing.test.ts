import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../../../daemon/secrets/fileKeyStore';
import { KeychainError, MemoryKeychain } from '../../../../daemon/secrets/keychain';
import { KeyRing, MAX_REJECTED_KEYS } from '../../../../daemon/secrets/keyRing';
import { resolveKey } from '../../../../daemon/secrets/keySource';
import { SessionKeys } from '../../../../daemon/secrets/sessionKeys';

const K1 = 'sk-test-FAKE-ring-key-one-0000000000000001';
const K2 = 'sk-test-FAKE-ring-key-two-0000000000000002';
const ENV_KEY = 'sk-test-FAKE-ring-env-key-000000000000003';
const locked = () => new KeychainError('locked', 'The OS keychain is locked (test). Unlock it.', 'test');

async function ring(
  backend = new MemoryKeychain(),
): Promise<{ ring: KeyRing; backend: MemoryKeychain; seen: string[] }> {
  const seen: string[] = [];
  const r = new KeyRing(backend, (k) => seen.push(k));
  await r.load();
  return { ring: r, backend, seen };
}

describe('KeyRing: keychain keys held in memory', () => {
  it('puts the keychain before the environment, and reports where each key comes from', async () => {
    const { ring: r } = await ring();
    const env = { OPENAI_API_KEY: ENV_KEY };
    expect(resolveKey('openai', env, r)).toEqual({ key: ENV_KEY, source: 'env' });
    await r.set('default', 'openai', K1, false);
    expect(resolveKey('openai', env, r)).toEqual({ key: K1, source: 'keychain' });
    expect(r.candidates('openai', 'default', env).map((c) => c.origin)).toEqual(['keychain', 'env']);
    expect(resolveKey('anthropic', {}, r)).toEqual({ key: undefined, source: 'none' });
    expect(resolveKey('openaiCompatible', {}, r).source).toBe('not-required');
  });

  it('replaces the keys on set, appends on --add, and removes one or all', async () => {
    const { ring: r } = await ring();
    await r.set('default', 'openai', K1, false);
    const second = await r.set('default', 'openai', K2, true);
    expect(second).toEqual({ id: 'k2', count: 2 });
    expect(r.candidates('openai', 'default', {}).map((c) => c.id)).toEqual(['k1', 'k2']);
    expect(await r.remove('default', 'openai', 'k1')).toEqual({ removed: 1, remaining: 1 });
    expect(r.candidates('openai', 'default', {}).map((c) => c.key)).toEqual([K2]);
    await r.set('default', 'openai', K1, false);
    expect(r.candidates('openai', 'default', {}).map((c) => c.key)).toEqual([K1]);
    expect(await r.remove('default', 'openai', undefined)).toEqual({ removed: 1, remaining: 0 });
    expect(r.candidates('openai', 'default', {})).toEqual([]);
  });

  it('survives a restart: a new ring reads the same keychain', async () => {
    const { ring: r, backend } = await ring();
    await r.set('prod', 'anthropic', K1, false);
    await r.set('default', 'openai', K2, false);
    const { ring: again, seen } = await ring(backend);
    expect(again.profileNames()).toEqual(['default', 'prod']);
    expect(again.candidates('anthropic', 'prod', {})[0]?.key).toBe(K1);
    expect(again.candidates('anthropic', 'default', {})).toEqual([]);
    // Every loaded key is registered with the redactor.
    expect(seen).toEqual(expect.arrayContaining([K1, K2]));
  });

  it('keeps profiles apart', async () => {
    const { ring: r } = await ring();
    await r.set('dev', 'openai', K1, false);
    await r.set('prod', 'openai', K2, false);
    expect(resolveKey('openai', {}, r, 'dev').key).toBe(K1);
    expect(resolveKey('openai', {}, r, 'prod').key).toBe(K2);
    expect(resolveKey('openai', {}, r, 'staging').key).toBeUndefined();
    await expect(r.set('../etc', 'openai', K1, false)).rejects.toThrow(/not a valid profile/);
  });

  it('skips a rejected key while another remains, and shows it as rejected', async () => {
    const { ring: r } = await ring();
    await r.set('default', 'openai', K1, false);
    await r.set('default', 'openai', K2, true);
    r.markRejected(K1);
    expect(r.candidates('openai', 'default', {}).map((c) => c.key)).toEqual([K2]);
    const listed = r.list('default', {}).find((p) => p.provider === 'openai')!.keys;
    expect(listed.map((k) => [k.id, k.active, k.rejected])).toEqual([
      ['k1', false, true],
      ['k2', true, false],
    ]);
    // With every key rejected, they are all tried again rather than none.
    r.markRejected(K2);
    expect(r.candidates('openai', 'default', {})).toHaveLength(2);
  });

  it('remembers at most MAX_REJECTED_KEYS rejected keys, the most recent ones', async () => {
    const { ring: r } = await ring();
    const made = (i: number) => `sk-test-FAKE-rotated-${String(i).padStart(24, '0')}`;
    for (let i = 0; i < MAX_REJECTED_KEYS * 3; i++) r.markRejected(made(i));
    expect(r.isRejected(made(MAX_REJECTED_KEYS * 3 - 1))).toBe(true);
    expect(r.isRejected(made(0))).toBe(false);
    expect((r as unknown as { rejected: { size: number } }).rejected.size).toBe(MAX_REJECTED_KEYS);
  });

  it('never lists more than the last 4 characters', async () => {
    const { ring: r } = await ring();
    await r.set('default', 'openai', K1, false);
    const text = JSON.stringify(r.list('default', { GEMINI_API_KEY: 'AIzaFAKE0000000000000000000000000004567' }));
    expect(text).not.toContain(K1.slice(0, -4));
    expect(text).toContain('"last4":"0001"');
    expect(text).toContain('"last4":"4567"');
  });

  it('fails closed: a locked keychain stores nothing, in memory or anywhere else', async () => {
    const backend = new MemoryKeychain();
    backend.fail = locked();
    const { ring: r } = await ring(backend);
    expect(r.state).toMatchObject({ available: false, problem: expect.stringMatching(/locked/) });
    await expect(r.set('default', 'openai', K1, false)).rejects.toBeInstanceOf(KeychainError);
    expect(r.candidates('openai', 'default', {})).toEqual([]);
    expect(backend.entries.size).toBe(0);
    // The environment still works.
    expect(resolveKey('openai', { OPENAI_API_KEY: ENV_KEY }, r)).toEqual({ key: ENV_KEY, source: 'env' });
  });

  it('reloads before writing after a failed load, so other profiles are not lost', async () => {
    const backend = new MemoryKeychain();
    const { ring: first } = await ring(backend);
    await first.set('prod', 'openai', K1, false);
    backend.fail = locked();
    const { ring: r } = await ring(backend);
    backend.fail = undefined; // unlocked later
    await r.set('dev', 'openai', K2, false);
    expect(r.profileNames()).toEqual(['dev', 'prod']);
    expect(r.state.available).toBe(true);
  });

  it('a write that fails leaves memory as it was', async () => {
    const { ring: r, backend } = await ring();
    await r.set('default', 'openai', K1, false);
    backend.fail = locked();
    await expect(r.set('default', 'openai', K2, false)).rejects.toThrow(/locked/);
    expect(r.candidates('openai', 'default', {}).map((c) => c.key)).toEqual([K1]);
    expect(r.state.available).toBe(false);
  });
});

describe('KeyRing: resolution order across stores', () => {
  const WINDOW = 'sk-test-FAKE-ring-window-key-0000000000004';
  const FILE = 'sk-test-FAKE-ring-file-key-00000000000005';

  it('is keychain, then a window key, then the insecure file, then the environment', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-ringorder-'));
    try {
      const session = new SessionKeys();
      const seen: string[] = [];
      const r = new KeyRing(new MemoryKeychain(), (k) => seen.push(k), { session, file: FileKeyStore.inHome(home) });
      await r.load();
      const env = { OPENAI_API_KEY: ENV_KEY };
      const order = () => r.candidates('openai', 'default', env).map((c) => c.origin);
      expect(order()).toEqual(['env']);
      await r.setInFile('default', 'openai', FILE);
      expect(seen).toContain(FILE);
      expect(resolveKey('openai', env, r)).toEqual({ key: FILE, source: 'file' });
      session.provide(7, 'default', 'openai', WINDOW);
      expect(order()).toEqual(['session', 'file', 'env']);
      await r.set('default', 'openai', K1, false);
      expect(order()).toEqual(['keychain', 'session', 'file', 'env']);
      expect(
        r
          .list('default', env)
          .find((p) => p.provider === 'openai')
          ?.keys.map((k) => [k.id, k.active]),
      ).toEqual([
        ['k1', true],
        ['window', false],
        ['file', false],
        ['OPENAI_API_KEY', false],
      ]);
      session.forgetConnection(7);
      expect(await r.removeFromFile('default', 'openai')).toBe(true);
      expect(order()).toEqual(['keychain', 'env']);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('uses a window key while the keychain is unavailable', async () => {
    const backend = new MemoryKeychain();
    backend.fail = locked();
    const session = new SessionKeys();
    const r = new KeyRing(backend, () => undefined, { session });
    await r.load();
    expect(r.state.available).toBe(false);
    session.provide(1, 'default', 'anthropic', WINDOW);
    expect(resolveKey('anthropic', {}, r)).toEqual({ key: WINDOW, source: 'session' });
  });
});
