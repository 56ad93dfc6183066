import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeysListResult } from '../../protocol';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, ONE_PROVIDER } from './harness';
import { exited } from './processExit';

const FILE_KEY = 'sk-test-FAKE-insecure-file-openai-00000000066';
const posix = process.platform !== 'win32';

describe('conduit key set --insecure-storage on a machine without a keychain', () => {
  let fake: FakeProviderServer;
  let h: DaemonHarness;
  let file: string;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    // One provider: a refused file leaves OpenAI without a key, and no other provider answers for it.
    h = new DaemonHarness(fake.url, { ...ONE_PROVIDER, OPENAI_API_KEY: '' });
    delete h.env.DBUS_SESSION_BUS_ADDRESS;
    file = path.join(h.home, 'keys.insecure.json');
  });
  afterAll(async () => {
    await h.dispose();
    await fake.stop();
  });

  it('without the flag, the keychain error names the opt-in', async () => {
    const r = await h.cli(['key', 'set', 'openai'], { input: FILE_KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/keychain_unavailable: .*`conduit key set openai --insecure-storage`/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('stores the key in a 0600 file with a warning, and requests use it; the key is never printed', async () => {
    const set = await h.cli(['key', 'set', 'openai', '--insecure-storage'], { input: `${FILE_KEY}\n` });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toMatch(/warning: the key is stored in a plain file in CONDUIT_HOME/);
    expect(set.stdout).toMatch(/Stored the openai key …0066 in the insecure key file/);
    expect(set.stdout + set.stderr).not.toContain(FILE_KEY);
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const ask = await h.cli(['ask', '--provider', 'openai', 'from the file']);
    expect(ask.code, ask.stderr).toBe(0);
    expect(fake.lastRequest('openai')?.apiKey).toBe(FILE_KEY);

    const list = await h.cli(['key', 'list', '--json']);
    const listed = JSON.parse(list.stdout) as KeysListResult;
    expect(listed.insecureFile).toEqual({ path: file });
    expect(listed.providers.find((p) => p.provider === 'openai')?.keys).toEqual([
      { origin: 'file', id: 'file', last4: '0066', active: true, rejected: false },
    ]);
    expect(list.stdout).not.toContain(FILE_KEY);
  });

  it.skipIf(!posix)('refuses the file once others can read it, and says what to do', async () => {
    fs.chmodSync(file, 0o644);
    const { pid } = await h.status();
    const stop = await h.cli(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    await exited(pid);
    const list = await h.cli(['key', 'list']);
    expect(list.stdout).toMatch(/Insecure key file: REFUSED: .*mode 0644.*Replace those keys at the provider/);
    expect(list.stdout).toMatch(/openai\s+no key/);
    const ask = await h.cli(['ask', '--provider', 'openai', 'refused file']);
    expect(ask.stderr).toMatch(/no_api_key/);
    fs.chmodSync(file, 0o600);
    const again = (await h.status()).pid;
    await h.cli(['stop']);
    await exited(again);
    // Read once the daemon is gone: the logger writes in the background and closes with it.
    expect(h.logText()).not.toContain(FILE_KEY);
  });

  it('key remove takes the file key away, and the file with it', async () => {
    const r = await h.cli(['key', 'remove', 'openai', 'file']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Removed 1 openai key/);
    expect(fs.existsSync(file)).toBe(false);
    const list = JSON.parse((await h.cli(['key', 'list', '--json'])).stdout) as KeysListResult;
    expect(list.providers.find((p) => p.provider === 'openai')?.keys).toEqual([]);
  });
});
