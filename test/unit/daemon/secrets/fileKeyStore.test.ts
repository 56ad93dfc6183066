import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore, FileKeyStoreError, INSECURE_KEYS_FILE } from '../../../../daemon/secrets/fileKeyStore';

const KEY = 'sk-test-FAKE-file-store-key-000000000000001';
const KEY2 = 'sk-ant-api03-FAKE-file-store-key-00000000002';
const posixOnly = process.platform === 'win32';
const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;

describe('FileKeyStore: the opt-in insecure key file', () => {
  let home: string;
  let file: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-filekeys-'));
    file = path.join(home, INSECURE_KEYS_FILE);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('has no keys before the first set, and keeps one key per profile and provider', () => {
    const store = FileKeyStore.inHome(home);
    expect(store.read()).toEqual({});
    store.set('default', 'openai', KEY);
    store.set('default', 'anthropic', KEY2);
    store.set('prod', 'openai', KEY2);
    expect(store.read()).toEqual({ default: { openai: KEY, anthropic: KEY2 }, prod: { openai: KEY2 } });
    expect(fs.readdirSync(home)).toEqual([INSECURE_KEYS_FILE]);
  });

  it.skipIf(posixOnly)('creates the file with mode 0600, whatever the umask', () => {
    const old = process.umask(0o000);
    try {
      FileKeyStore.inHome(home).set('default', 'openai', KEY);
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it.skipIf(posixOnly)('refuses a file that group or others can read, and does not tighten it', () => {
    const store = FileKeyStore.inHome(home);
    store.set('default', 'openai', KEY);
    fs.chmodSync(file, 0o640);
    expect(() => store.read()).toThrow(FileKeyStoreError);
    expect(() => store.read()).toThrow(/can be read or changed by other users \(mode 0640\).*Replace those keys/);
    expect(() => store.set('default', 'openai', KEY2)).toThrow(FileKeyStoreError);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    try {
      store.read();
    } catch (err) {
      expect((err as Error).message).not.toContain(KEY);
    }
  });

  it.skipIf(posixOnly || uid === undefined)('refuses a file owned by another user', () => {
    FileKeyStore.inHome(home).set('default', 'openai', KEY);
    const other = new FileKeyStore(file, { posix: true, uid: (uid ?? 0) + 1 });
    expect(() => other.read()).toThrow(/belongs to another user \(uid \d+\)/);
  });

  it.skipIf(posixOnly)('refuses a symbolic link', () => {
    const real = path.join(home, 'elsewhere.json');
    fs.writeFileSync(real, JSON.stringify({ version: 1, profiles: { default: { openai: KEY } } }), { mode: 0o600 });
    fs.symlinkSync(real, file);
    expect(() => FileKeyStore.inHome(home).read()).toThrow(/is a symbolic link/);
  });

  it('on Windows trusts the per-user folder: no POSIX mode or owner check', () => {
    fs.writeFileSync(file, JSON.stringify({ version: 1, profiles: { default: { openai: KEY } } }), { mode: 0o644 });
    if (process.platform !== 'win32') fs.chmodSync(file, 0o644);
    const windows = new FileKeyStore(file, { posix: false, uid: undefined });
    expect(windows.read()).toEqual({ default: { openai: KEY } });
    if (process.platform !== 'win32') {
      expect(() => new FileKeyStore(file, { posix: true, uid }).read()).toThrow(/mode 0644/);
    }
  });

  it('refuses a file that is not JSON rather than overwrite it', () => {
    fs.writeFileSync(file, '{ not json', { mode: 0o600 });
    const store = FileKeyStore.inHome(home);
    expect(() => store.read()).toThrow(/is not valid JSON/);
    expect(() => store.set('default', 'openai', KEY)).toThrow(/is not valid JSON/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ not json');
  });

  it('removes a key, and the file with its last key', () => {
    const store = FileKeyStore.inHome(home);
    store.set('default', 'openai', KEY);
    store.set('default', 'anthropic', KEY2);
    expect(store.remove('default', 'openai')).toBe(true);
    expect(store.remove('default', 'openai')).toBe(false);
    expect(store.read()).toEqual({ default: { anthropic: KEY2 } });
    expect(store.remove('default', 'anthropic')).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });
});
