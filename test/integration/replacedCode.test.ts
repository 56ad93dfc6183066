import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConduitError, type ChatRequest } from '../../protocol';
import { repoRoot, TIMEOUT_SCALE, useDaemonAndFake, waitFor } from './harness';

/**
 * An update replaces dist/ (and its content-hashed chunks) while a daemon started from the old
 * files runs. The daemon here runs from a copy of dist/, from which the test removes the chunk
 * of a provider it has not used yet, as an update would.
 */
describe('a daemon whose code files were replaced by an update', () => {
  const env = useDaemonAndFake({ env: { CONDUIT_SHUTDOWN_GRACE_MS: '600000' } });
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-dist-'));
  let oldChild: ChildProcess | undefined;
  afterAll(() => {
    // Only when the test failed before the old daemon stopped by itself.
    if (oldChild?.exitCode === null) oldChild.kill('SIGKILL');
    fs.rmSync(copy, { recursive: true, force: true });
  });

  function startOldDaemon(): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
    fs.cpSync(path.join(repoRoot, 'dist'), path.join(copy, 'dist'), { recursive: true });
    // The native modules resolve from the bundle's folder upwards, as in an installed extension.
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'), 'junction');
    const child = spawn(process.execPath, [path.join(copy, 'dist', 'daemon.js'), '--foreground'], {
      env: env.h.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    oldChild = child;
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => output };
  }

  it(
    'says so, finishes the request it has, stops, and the next client starts the new version',
    async () => {
      const old = startOldDaemon();
      await waitFor(() => env.h.logText().includes('daemon listening'), 60_000, 'the old daemon to listen');
      const client = await env.h.connect(false);
      const ask = (provider: ChatRequest['provider'], content: string): Promise<unknown> =>
        client.chat({ provider, messages: [{ role: 'user', content }], temperature: 0 });

      // Anthropic's code is loaded by a first request; the second is held at the fake meanwhile.
      env.fake.enqueue('anthropic', { text: 'loaded' });
      await ask('anthropic', 'load anthropic');
      let release!: () => void;
      env.fake.enqueue('anthropic', {
        text: 'finished after the update',
        holdUntil: new Promise<void>((r) => (release = r)),
      });
      const held = ask('anthropic', 'held across the update');
      await env.fake.waitForRequests(2, 60_000);

      // The update: OpenAI's adapter, not loaded yet, is gone.
      const chunks = path.join(copy, 'dist', 'chunks');
      const removed = fs.readdirSync(chunks).filter((f) => /^openaiAdapter-.*\.mjs$/.test(f));
      expect(removed.length).toBe(1);
      for (const f of removed) fs.rmSync(path.join(chunks, f));

      const failed = await ask('openai', 'needs the missing code').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failed).toBeInstanceOf(ConduitError);
      expect((failed as ConduitError).code).toBe('daemon_unavailable');
      expect((failed as ConduitError).message).toMatch(/updated while this daemon was running.*openai provider's code/);
      expect((failed as ConduitError).message).toMatch(/retry and the new version starts/);
      await waitFor(() => env.h.logText().includes('daemon stopping'), 60_000, 'the old daemon to start stopping');
      expect(env.h.logText()).toContain('the code on disk was replaced by an update');
      expect(env.h.logText()).toContain(removed[0]);

      // What it had loaded still answers: the held request finishes within the stop's grace.
      release();
      expect(await held).toMatchObject({ text: 'finished after the update' });
      client.close();
      expect(await old.exited).toBe(0);

      // The next client starts the daemon from the current files, and OpenAI works there.
      env.fake.enqueue('openai', { text: 'new version' });
      const next = await env.h.connect();
      try {
        const answer = await next.chat({ provider: 'openai', messages: [{ role: 'user', content: 'again' }] });
        expect(answer.text).toBe('new version');
        expect((await next.status()).pid).not.toBe(old.child.pid);
      } finally {
        next.close();
      }
    },
    180_000 * TIMEOUT_SCALE,
  );
});
