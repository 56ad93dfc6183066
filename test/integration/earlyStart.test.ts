import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { collect, daemonPath, DaemonHarness, ONE_PROVIDER, repoRoot, TIMEOUT_SCALE, waitFor } from './harness';

/**
 * A cold `conduit ask`: dist/cli.js starts the daemon (dist/cliStart.js) before it loads the CLI's
 * bundle, so the daemon's start overlaps the CLI's own (issue #23). The socket is a file only off
 * Windows; there the CLI's usual path starts the daemon.
 */
describe.skipIf(process.platform === 'win32')('the CLI entry starting the daemon for a cold ask', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await FakeProviderServer.start();
  });
  afterAll(() => fake.stop());

  it('spawns the daemon, with the provider hint, before it loads the CLI bundle', async () => {
    const h = new DaemonHarness(fake.url, ONE_PROVIDER);
    // The real entry and early-start bundle, and in place of the CLI's bundle one that reports what
    // the entry handed it: the daemon's start report, which only a daemon the entry spawned sends.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-early-'));
    try {
      for (const f of ['cli.js', 'cliStart.js']) fs.copyFileSync(path.join(repoRoot, 'dist', f), path.join(dir, f));
      fs.symlinkSync(daemonPath, path.join(dir, 'daemon.js'));
      fs.writeFileSync(
        path.join(dir, 'cliMain.js'),
        "const early = globalThis[Symbol.for('conduit.cli.earlyStart')];\n" +
          "if (!early) process.stdout.write('no early start');\n" +
          // The channel is unref'd: the interval keeps this process up until the report.
          'else { const t = setInterval(() => {}, 1000);\n' +
          '  early.started.outcome.then((o) => {\n' +
          '    process.stdout.write(`${o} ${early.socketPath}`);\n' +
          '    clearInterval(t);\n' +
          '  }); }\n',
      );
      const child = spawn(process.execPath, [path.join(dir, 'cli.js'), 'ask', '--provider', 'openai', 'hi'], {
        env: h.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const r = await collect(child, 60_000 * TIMEOUT_SCALE);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`listening ${h.socketPath()}`);
      await waitFor(() => h.logLines().some((l) => l.msg === 'daemon listening'), 60_000, 'daemon listening');
      expect(h.logLines().find((l) => l.msg === "loading the waiting request's provider code")?.provider).toBe(
        'openai',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await h.dispose();
    }
  });

  it('answers a cold ask through the daemon it started, and starts no second one', async () => {
    const h = new DaemonHarness(fake.url, ONE_PROVIDER);
    try {
      fake.enqueue('openai', { text: 'cold answer' });
      const r = await h.cli(['ask', '--provider', 'openai', '--no-stream', 'cold'], { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('cold answer');
      await waitFor(() => h.logLines().some((l) => l.msg === 'daemon listening'), 60_000, 'daemon listening');
      const msgs = h.logLines().map((l) => l.msg);
      expect(msgs.filter((m) => m === 'daemon listening')).toHaveLength(1);
      expect(msgs).not.toContain('another daemon is already running; exiting');
    } finally {
      await h.dispose();
    }
  });

  it('two cold asks at once start exactly one daemon that serves both', async () => {
    const h = new DaemonHarness(fake.url, ONE_PROVIDER);
    try {
      fake.enqueue('openai', { text: 'one' }, { text: 'two' });
      const asks = await Promise.all(
        ['first', 'second'].map((p) => h.cli(['ask', '--provider', 'openai', '--no-stream', p], { timeoutMs: 60_000 })),
      );
      for (const r of asks) expect(r.code, r.stderr).toBe(0);
      expect(asks.map((r) => r.stdout).sort()).toEqual(['one', 'two']);
      const pid = (await h.status()).pid;
      const listening = h.logLines().filter((l) => l.msg === 'daemon listening');
      expect(listening).toHaveLength(1);
      expect(fs.readFileSync(path.join(h.home, 'logs', 'daemon.log'), 'utf8')).toContain(`"pid":${pid}`);
    } finally {
      await h.dispose();
    }
  });

  it('a usage error after the early start still exits 2 with the usual message', async () => {
    const h = new DaemonHarness(fake.url, ONE_PROVIDER);
    try {
      const r = await h.cli(['ask', '--temperature', '9', 'hi']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--temperature');
    } finally {
      await h.dispose();
    }
  });
});
