import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatResult } from '../../protocol';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { collect, daemonPath, DaemonHarness, isRunning, waitFor } from './harness';

describe.skipIf(process.platform === 'win32')('one daemon per user', () => {
  let fake: FakeProviderServer;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('two CLI processes at once share one daemon', async () => {
    const h = new DaemonHarness(fake.url);
    try {
      fake.setDefault('openai', { text: 'shared', chunkDelayMs: 50 });
      const [a, b] = await Promise.all([
        h.cli(['ask', '--provider', 'openai', '--json', 'one']),
        h.cli(['ask', '--provider', 'openai', '--json', 'two']),
      ]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect((JSON.parse(a.stdout) as ChatResult).text).toBe('shared');
      const status = await h.status();
      expect(status.requestsServed).toBe(2);
      expect(fake.requestsFor('openai')).toHaveLength(2);
    } finally {
      await h.dispose();
    }
  });

  it('after kill -9, the next ask replaces the stale socket with a new daemon and succeeds', async () => {
    const h = new DaemonHarness(fake.url);
    try {
      expect((await h.cli(['ask', '--provider', 'anthropic', 'first'])).code).toBe(0);
      const first = (await h.status()).pid;
      process.kill(first, 'SIGKILL');
      await waitFor(() => !isRunning(first), 5000, 'the daemon to die');
      expect(fs.existsSync(h.socketPath())).toBe(true); // left behind by the crash
      fake.enqueue('anthropic', { text: 'after the crash' });
      const r = await h.cli(['ask', '--provider', 'anthropic', 'second']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('after the crash');
      const second = (await h.status()).pid;
      expect(second).not.toBe(first);
    } finally {
      await h.dispose();
    }
  });

  it('daemons racing to start leave exactly one', async () => {
    const h = new DaemonHarness(fake.url);
    try {
      const racers = Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, [daemonPath], { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] });
        // Collect from the start: a loser may exit before the test looks at it.
        return { pid: child.pid, done: collect(child, 120_000) };
      });
      await waitFor(
        async () => {
          try {
            await h.status();
            return true;
          } catch {
            return false;
          }
        },
        10_000,
        'a daemon to answer',
      );
      const winner = (await h.status()).pid;
      // The losers find a live daemon and exit on their own.
      const losers = racers.filter((r) => r.pid !== winner);
      expect(losers).toHaveLength(3);
      const codes = await Promise.all(losers.map((r) => r.done));
      expect(codes.map((c) => c.code)).toEqual([0, 0, 0]);
      expect(isRunning(winner)).toBe(true);
      expect((await h.status()).pid).toBe(winner);
    } finally {
      await h.dispose();
    }
  });

  it('exits by itself when idle and removes its socket', async () => {
    const h = new DaemonHarness(fake.url, { CONDUIT_IDLE_TIMEOUT_MS: '800' });
    try {
      expect((await h.cli(['ask', '--provider', 'gemini', 'hi'])).code).toBe(0);
      const pid = (await h.status()).pid;
      await waitFor(() => !isRunning(pid), 10_000, 'the idle daemon to exit');
      expect(fs.existsSync(h.socketPath())).toBe(false);
    } finally {
      await h.dispose();
    }
  });

  it('`conduit stop` stops it, and status then reports that none is running', async () => {
    const h = new DaemonHarness(fake.url);
    try {
      expect((await h.cli(['daemon'])).code).toBe(0);
      const pid = (await h.status()).pid;
      const stop = await h.cli(['stop']);
      expect(stop.code, stop.stderr).toBe(0);
      expect(stop.stdout).toContain(`pid ${pid}`);
      await waitFor(() => !isRunning(pid), 5000, 'the daemon to exit');
      const status = await h.cli(['status']);
      expect(status.code).toBe(3);
      expect(status.stderr).toMatch(/daemon_unavailable: No Conduit daemon is running/);
    } finally {
      await h.dispose();
    }
  });
});
