import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsRaisedNotification, type AlertEvent, type KeysListResult } from '../../protocol';
import { secretService } from '../unit/daemon/secrets/secretServiceGate';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, waitFor } from './harness';

const K1 = 'sk-test-FAKE-keys-openai-one-00000000000001';
const K2 = 'sk-test-FAKE-keys-openai-two-00000000000002';
const ANT = 'sk-ant-api03-FAKE-keys-anthropic-0000000000';
const GEM_PROD = 'AIzaFAKE-keys-gemini-prod-000000000000000';

describe.skipIf(!secretService.run)(
  `keys in the real OS keychain${secretService.reason ? ` ${secretService.reason}` : ''}`,
  () => {
    let fake: FakeProviderServer;
    let h: DaemonHarness;

    beforeAll(async () => {
      fake = await FakeProviderServer.start();
      h = new DaemonHarness(fake.url);
      fs.writeFileSync(
        path.join(h.home, 'config.json'),
        JSON.stringify({ resilience: { baseDelayMs: 5, maxDelayMs: 10 } }),
      );
    });
    afterAll(async () => {
      for (const p of ['openai', 'anthropic']) await h.cli(['key', 'remove', p]).catch(() => undefined);
      await h.cli(['--profile', 'prod', 'key', 'remove', 'gemini']).catch(() => undefined);
      await h.dispose();
      await fake.stop();
    });

    const list = async (...args: string[]): Promise<KeysListResult> => {
      const r = await h.cli([...args, 'key', 'list', '--json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as KeysListResult;
    };

    it('stores a key read from stdin, and the keychain wins over the environment', async () => {
      const set = await h.cli(['key', 'set', 'openai'], { input: `${K1}\n` });
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toMatch(/Stored the openai key …0001 in the OS keychain as k1/);
      expect(set.stdout + set.stderr).not.toContain(K1);

      const listed = await list();
      expect(listed.keychain.available).toBe(true);
      const openai = listed.providers.find((p) => p.provider === 'openai')!;
      expect(openai.keys.map((k) => [k.origin, k.id, k.last4, k.active])).toEqual([
        ['keychain', 'k1', '0001', true],
        ['env', 'OPENAI_API_KEY', '0000', false],
      ]);

      const ask = await h.cli(['ask', '--provider', 'openai', '--json', 'hi']);
      expect(ask.code, ask.stderr).toBe(0);
      expect(fake.lastRequest('openai')?.apiKey).toBe(K1);
      const status = await h.status();
      expect(status.providers.find((p) => p.id === 'openai')?.keySource).toBe('keychain');
      expect(status.keychain?.available).toBe(true);
    });

    it('refuses a key given as an argument', async () => {
      const r = await h.cli(['key', 'set', 'openai', K2]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/takes no key argument/);
      expect(
        (await list()).providers.find((p) => p.provider === 'openai')!.keys.filter((k) => k.origin === 'keychain'),
      ).toHaveLength(1);
    });

    it('rotates without downtime: a 401 on the first key moves the same request to the next, with an alert', async () => {
      const add = await h.cli(['key', 'set', 'openai', '--add'], { input: K2 });
      expect(add.code, add.stderr).toBe(0);
      expect(add.stdout).toMatch(/as k2 .*2 keys for openai/);

      const client = await h.connect();
      const alerts: AlertEvent[] = [];
      client.connection.onNotification(AlertsRaisedNotification.type, (e: AlertEvent) => {
        alerts.push(e);
      });
      fake.rejectKey(K1);
      const before = fake.requestsFor('openai').length;
      const result = await client.chat({ messages: [{ role: 'user', content: 'rotate' }], provider: 'openai' });
      expect(result.text.length).toBeGreaterThan(0);
      expect(
        fake
          .requestsFor('openai')
          .slice(before)
          .map((r) => r.apiKey),
      ).toEqual([K1, K2]);
      expect(result.attemptLog.map((a) => a.error ?? 'ok')).toEqual(['auth', 'ok']);
      // The alert is a notification of its own, which may come after the answer.
      await waitFor(() => alerts.some((a) => a.alert.kind === 'key_rejected'), 20_000, 'the key_rejected alert');
      expect(JSON.stringify(alerts)).not.toContain(K1);
      client.close();

      // The next request starts with the good key.
      await h.cli(['ask', '--provider', 'openai', 'again']);
      expect(fake.lastRequest('openai')?.apiKey).toBe(K2);
      const keys = (await list()).providers.find((p) => p.provider === 'openai')!.keys;
      expect(keys.map((k) => [k.id, k.active, k.rejected])).toEqual([
        ['k1', false, true],
        ['k2', true, false],
        ['OPENAI_API_KEY', false, false],
      ]);
      await h.waitForLog(/"msg":"key rejected"/);
    });

    it('removes one key, then all', async () => {
      const one = await h.cli(['key', 'remove', 'openai', 'k1']);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toMatch(/Removed 1 openai key .*1 left/);
      const all = await h.cli(['key', 'remove', 'openai']);
      expect(all.code, all.stderr).toBe(0);
      await h.cli(['ask', '--provider', 'openai', 'env again']);
      // Back to the environment's key.
      expect(fake.lastRequest('openai')?.apiKey).not.toBe(K2);
      expect((await list()).providers.find((p) => p.provider === 'openai')!.keys.map((k) => k.origin)).toEqual(['env']);
    });

    it('verifies a key with a cheap call before storing it, and stores nothing when it is refused', async () => {
      const good = await h.cli(['key', 'set', 'anthropic', '--verify'], { input: ANT });
      expect(good.code, good.stderr).toBe(0);
      expect(good.stdout).toMatch(/Verified: the anthropic API accepted the key/);
      const bad = 'sk-ant-api03-FAKE-keys-revoked-00000000000';
      fake.rejectKey(bad);
      const refused = await h.cli(['key', 'set', 'anthropic', '--verify'], { input: bad });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/auth: The key was not stored: the anthropic API refused the key \(HTTP 401\)/);
      expect(refused.stderr).not.toContain(bad);
      const keys = (await list()).providers.find((p) => p.provider === 'anthropic')!.keys;
      expect(keys.filter((k) => k.origin === 'keychain').map((k) => k.last4)).toEqual(['0000']);
    });

    it("warns about a key that does not look like the provider's", async () => {
      const r = await h.cli(['--profile', 'scratch', 'key', 'set', 'gemini'], { input: 'not a gemini key' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warning: the key contains whitespace/);
      await h.cli(['--profile', 'scratch', 'key', 'remove', 'gemini']);
    });

    it('keeps profiles apart; --profile chooses one, and the ledger records it', async () => {
      const set = await h.cli(['--profile', 'prod', 'key', 'set', 'gemini'], { input: GEM_PROD });
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toMatch(/profile prod/);
      await h.cli(['ask', '--provider', 'gemini', 'default profile']);
      expect(fake.lastRequest('gemini')?.apiKey).not.toBe(GEM_PROD);
      const prod = await h.cli(['--profile', 'prod', 'ask', '--provider', 'gemini', 'prod profile']);
      expect(prod.code, prod.stderr).toBe(0);
      expect(fake.lastRequest('gemini')?.apiKey).toBe(GEM_PROD);
      expect((await list('--profile', 'prod')).profiles).toContain('prod');
      const rows = await h.cli(['usage', 'export', '--json', '-']);
      const profiles = (JSON.parse(rows.stdout) as { profile: string }[]).map((r) => r.profile);
      expect(profiles).toContain('prod');
      expect(profiles).toContain('default');
    });
  },
);

describe('without a keychain, Conduit fails closed', () => {
  let fake: FakeProviderServer;
  let h: DaemonHarness;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    h = new DaemonHarness(fake.url);
    // A daemon with no D-Bus session bus cannot reach the Secret Service.
    delete h.env.DBUS_SESSION_BUS_ADDRESS;
  });
  afterAll(async () => {
    await h.dispose();
    await fake.stop();
  });

  it('key set is a clear error that says how to fix it, and nothing is stored anywhere', async () => {
    const secret = 'sk-test-FAKE-nokeychain-000000000000000099';
    const r = await h.cli(['key', 'set', 'openai'], { input: secret });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/keychain_unavailable: The OS keychain is unavailable: there is no D-Bus session bus/);
    expect(r.stderr).toMatch(/OPENAI_API_KEY/);
    expect(r.stderr).toMatch(/Nothing was stored/);
    for (const f of fs.readdirSync(h.home, { recursive: true, withFileTypes: true })) {
      if (!f.isFile()) continue;
      // A file gone since the listing (SQLite's short-lived journal) holds nothing any more.
      const bytes = readIfPresent(path.join(f.parentPath, f.name));
      expect(bytes?.includes(Buffer.from(secret)) ?? false, f.name).toBe(false);
    }
  });

  it('environment keys still work, and key list and status say the keychain is unavailable and why', async () => {
    const ask = await h.cli(['ask', '--provider', 'openai', 'hi']);
    expect(ask.code, ask.stderr).toBe(0);
    const list = await h.cli(['key', 'list']);
    expect(list.stdout).toMatch(/Keychain: secret-service UNAVAILABLE: .*no D-Bus session bus/);
    expect(list.stdout).toMatch(/openai\s+env OPENAI_API_KEY\s+…0000\s+\(active\)/);
    const status = await h.cli(['status']);
    expect(status.stdout).toMatch(/keychain\s+secret-service: UNAVAILABLE/);
  });
});

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
