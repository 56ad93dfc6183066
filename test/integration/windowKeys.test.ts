import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConduitError, KeysListRequest, KeysProvideRequest } from '../../protocol';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness } from './harness';
import { exited } from './processExit';

const WINDOW_OPENAI = 'sk-test-FAKE-window-openai-key-0000000000077';
const WINDOW_ANTHROPIC = 'sk-ant-api03-FAKE-window-anthropic-00000088';

/** Every file under `dir` that holds `secret`, by its path relative to `dir`. */
function filesHolding(dir: string, secret: string): string[] {
  const hits: string[] = [];
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const file = path.join(f.parentPath, f.name);
    if (fs.readFileSync(file).includes(Buffer.from(secret))) hits.push(path.relative(dir, file));
  }
  return hits;
}

describe('a key handed over by a window (no OS keychain): used while it is connected, then forgotten', () => {
  let fake: FakeProviderServer;
  let h: DaemonHarness;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    // No keys in the environment, and no D-Bus session bus: the keychain cannot be reached.
    h = new DaemonHarness(fake.url, { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' });
    delete h.env.DBUS_SESSION_BUS_ADDRESS;
  });
  afterAll(async () => {
    await h.dispose();
    await fake.stop();
  });

  it('sends the window key upstream, forgets it when the window disconnects, and never writes it', async () => {
    const window = await h.connect();
    const listed = await window.connection.sendRequest(KeysListRequest.type, {});
    expect(listed.keychain.available).toBe(false);

    const provided = await window.connection.sendRequest(KeysProvideRequest.type, {
      provider: 'openai',
      key: WINDOW_OPENAI,
    });
    expect(provided).toMatchObject({ provider: 'openai', profile: 'default', last4: '0077', active: true });
    await window.connection.sendRequest(KeysProvideRequest.type, { provider: 'anthropic', key: WINDOW_ANTHROPIC });

    // Another client (the CLI) is served with the window's keys while the window is connected.
    const ask = await h.cli(['ask', '--provider', 'openai', 'with the window key']);
    expect(ask.code, ask.stderr).toBe(0);
    const openaiCall = fake.lastRequest('openai');
    expect(openaiCall?.apiKey).toBe(WINDOW_OPENAI);
    expect(openaiCall?.headers.authorization).toBe(`Bearer ${WINDOW_OPENAI}`);
    const claude = await window.chat({ messages: [{ role: 'user', content: 'hi' }], provider: 'anthropic' });
    expect(claude.text.length).toBeGreaterThan(0);
    const anthropicCall = fake.lastRequest('anthropic');
    expect(anthropicCall?.apiKey).toBe(WINDOW_ANTHROPIC);
    const authHeaders = [anthropicCall?.headers['x-api-key'], anthropicCall?.headers.authorization];
    expect(authHeaders.some((v) => v === WINDOW_ANTHROPIC || v === `Bearer ${WINDOW_ANTHROPIC}`)).toBe(true);

    const list = await h.cli(['key', 'list']);
    expect(list.stdout).toMatch(/openai\s+VS Code window \(memory\)\s+…0077\s+\(active\)/);
    expect(list.stdout).not.toContain(WINDOW_OPENAI);

    window.close();
    await h.waitForLog(/"msg":"window keys forgotten".*"keys":2/);

    const before = fake.requestsFor('openai').length;
    const after = await h.cli(['ask', '--provider', 'openai', 'after the window left']);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/no_api_key/);
    expect(fake.requestsFor('openai').length).toBe(before);
    const client = await h.connect();
    try {
      const err = await client.chat({ messages: [{ role: 'user', content: 'again' }], provider: 'anthropic' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConduitError);
      expect((err as ConduitError).code).toBe('no_api_key');
    } finally {
      client.close();
    }

    // Stopped and gone, so every log line and database page is on disk before the search.
    const { pid } = await h.status();
    const stop = await h.cli(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    await exited(pid);
    expect(h.logText()).toMatch(/"msg":"window key provided"/);
    expect(filesHolding(h.home, WINDOW_OPENAI)).toEqual([]);
    expect(filesHolding(h.home, WINDOW_ANTHROPIC)).toEqual([]);
  });

  it('a window withdraws its key with null, and a bad key is refused without being echoed', async () => {
    const window = await h.connect();
    try {
      await window.connection.sendRequest(KeysProvideRequest.type, {
        provider: 'gemini',
        key: 'AIzaFAKE-window-gemini-0000000000000099',
      });
      const keys = async () => (await window.connection.sendRequest(KeysListRequest.type, {})).providers;
      expect((await keys()).find((p) => p.provider === 'gemini')?.keys.map((k) => k.origin)).toContain('session');
      const withdrawn = await window.connection.sendRequest(KeysProvideRequest.type, { provider: 'gemini', key: null });
      expect(withdrawn).toMatchObject({ last4: '', active: false });
      expect((await keys()).find((p) => p.provider === 'gemini')?.keys.map((k) => k.origin)).not.toContain('session');
      const secret = 'sk-test-FAKE-window-toolong-'.padEnd(2000, 'x');
      const refused = await window.connection
        .sendRequest(KeysProvideRequest.type, { provider: 'openai', key: secret })
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(refused?.message).toMatch(/at most 1024 characters/);
      expect(refused?.message).not.toContain('sk-test-FAKE-window-toolong');
    } finally {
      window.close();
    }
  });
});
