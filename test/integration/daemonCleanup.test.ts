import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { readRecords, recordState } from './daemonRegistry';
import { collect, daemonPath, DaemonHarness } from './harness';

/**
 * A daemon that starts in a test's home must be stopped, and gone, before the home is removed:
 * otherwise its late writes make the removal fail (ENOTEMPTY) or recreate the home after it.
 */
describe('DaemonHarness.dispose stops every daemon started in its home before removing it', () => {
  it('a daemon whose spawner exited at once, before the daemon recorded or served anything', async () => {
    const h = new DaemonHarness('http://127.0.0.1:9');
    // As the CLI's early start did: spawn detached, unref, exit without waiting for the start.
    const spawner = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(daemonPath)}],` +
          ` { detached: true, stdio: 'ignore', env: process.env }); c.unref(); console.log(c.pid);`,
      ],
      { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = await collect(spawner, 60_000);
    expect(out.stderr).toBe('');
    const pid = Number(out.stdout.trim());
    // Recorded by the spawner, without the daemon's own socket yet.
    const recorded = readRecords(inject('daemonRegistry')).find((r) => r.pid === pid);
    expect(recorded).toMatchObject({ pid, home: h.home, testFile: expect.stringContaining('daemonCleanup') });
    expect(recorded?.socket).toBeUndefined();
    let socket: string | undefined;
    const watch = setInterval(() => {
      socket ??= readRecords(inject('daemonRegistry')).find((r) => r.pid === pid)?.socket;
    }, 5);

    await h.dispose();
    clearInterval(watch);

    // Its own socket refuses: the process has ended (a pid alone may be an unreaped orphan).
    socket ??= readRecords(inject('daemonRegistry')).find((r) => r.pid === pid)?.socket;
    expect(await recordState({ pid, socket })).toBe('gone');
    expect(fs.existsSync(h.home)).toBe(false);
    expect(readRecords(inject('daemonRegistry')).find((r) => r.pid === pid)).toBeUndefined();
  });

  it('a daemon a client started and one the test started in the foreground', async () => {
    const h = new DaemonHarness('http://127.0.0.1:9');
    const client = await h.connect();
    const served = readRecords(inject('daemonRegistry')).find((r) => r.pid === client.hello.pid);
    client.close();
    expect(served?.socket).toBeDefined();
    // A second daemon in the same home, as a test's own foreground spawn: it finds the first serving.
    const foreground = h.spawnDaemon();
    const exited = new Promise((resolve) => foreground.once('exit', resolve));

    await h.dispose();

    await exited;
    expect(await recordState(served!)).toBe('gone');
    expect(fs.existsSync(h.home)).toBe(false);
  });
});
