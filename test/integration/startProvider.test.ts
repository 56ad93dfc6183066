import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../daemon/client/daemonClient';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { daemonPath, DaemonHarness, TIMEOUT_SCALE, waitFor } from './harness';

const PRELOAD = "loading the waiting request's provider code";

/** The logger writes in the background: its lines are in order, so once this one is there, so is any before it. */
async function listeningLogged(h: DaemonHarness): Promise<string[]> {
  await waitFor(() => h.logLines().some((l) => l.msg === 'daemon listening'), 60_000, 'the daemon listening line');
  return h.logLines().map((l) => l.msg);
}

/** A client that starts the daemon the way the CLI and the extension do, with or without a hint. */
function connect(h: DaemonHarness, startProvider?: 'openai'): Promise<DaemonClient> {
  return DaemonClient.connect({
    client: 'other',
    home: h.home,
    autoStart: true,
    startTimeoutMs: 60_000 * TIMEOUT_SCALE,
    helloTimeoutMs: 60_000 * TIMEOUT_SCALE,
    spawn: { daemonScript: daemonPath, env: h.env, ...(startProvider ? { startProvider } : {}) },
  });
}

describe.skipIf(process.platform === 'win32')("the spawner's provider hint", () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await FakeProviderServer.start();
  });
  afterAll(() => fake.stop());

  it("starts loading the named provider's code during the start, before it listens", async () => {
    const h = new DaemonHarness(fake.url);
    try {
      // connect() returns after the hello, which the daemon answers only once it is ready.
      const client = await connect(h, 'openai');
      client.close();
      const msgs = await listeningLogged(h);
      const preload = h.logLines().find((l) => l.msg === PRELOAD);
      expect(preload?.provider).toBe('openai');
      expect(msgs.indexOf(PRELOAD)).toBeLessThan(msgs.indexOf('daemon listening'));
    } finally {
      await h.dispose();
    }
  });

  it('a cold `conduit ask --provider` names its provider to the daemon it starts', async () => {
    const h = new DaemonHarness(fake.url);
    try {
      const r = await h.cli(['ask', '--provider', 'openai', '--no-stream', 'hint from the CLI']);
      expect(r.code, r.stderr).toBe(0);
      await listeningLogged(h);
      expect(h.logLines().find((l) => l.msg === PRELOAD)?.provider).toBe('openai');
    } finally {
      await h.dispose();
    }
  });

  it('loads no provider code at start without one', async () => {
    const h = new DaemonHarness(fake.url);
    try {
      const client = await connect(h);
      client.close();
      // The hint is acted on before "daemon listening".
      const msgs = await listeningLogged(h);
      expect(msgs).not.toContain(PRELOAD);
    } finally {
      await h.dispose();
    }
  });

  it('a cold `conduit ask` without --provider: the daemon loads the provider its config routes it to', async () => {
    const h = new DaemonHarness(fake.url, { CONDUIT_AUTO_FALLBACK: '0' });
    // The feature's provider wins over the configured one (router/routeDecision.ts).
    fs.writeFileSync(
      path.join(h.home, 'config.json'),
      JSON.stringify({ provider: 'anthropic', routing: { byFeature: { ask: { provider: 'gemini' } } } }),
    );
    try {
      fake.enqueue('gemini', { text: 'routed answer' });
      const r = await h.cli(['ask', '--no-stream', 'no provider named'], { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('routed answer');
      const msgs = await listeningLogged(h);
      const preload = h.logLines().find((l) => l.msg === PRELOAD) as { provider?: string; routed?: boolean };
      expect(preload).toMatchObject({ provider: 'gemini', routed: true });
      expect(msgs.indexOf(PRELOAD)).toBeLessThan(msgs.indexOf('daemon listening'));
    } finally {
      await h.dispose();
    }
  });

  it('`routed` without a feature route loads the configured provider', async () => {
    const h = new DaemonHarness(fake.url);
    fs.writeFileSync(path.join(h.home, 'config.json'), JSON.stringify({ provider: 'anthropic' }));
    try {
      const client = await DaemonClient.connect({
        client: 'other',
        home: h.home,
        autoStart: true,
        startTimeoutMs: 60_000 * TIMEOUT_SCALE,
        helloTimeoutMs: 60_000 * TIMEOUT_SCALE,
        spawn: { daemonScript: daemonPath, env: h.env, startProvider: 'routed' },
      });
      client.close();
      await listeningLogged(h);
      expect(h.logLines().find((l) => l.msg === PRELOAD)?.provider).toBe('anthropic');
    } finally {
      await h.dispose();
    }
  });
});
