import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnDaemon } from '../../../../daemon/client/spawnDaemon';
import { waitForDaemon } from '../../../../daemon/client/waitForDaemon';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwd-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A socket address of the platform's kind: a named pipe on Windows, a Unix socket elsewhere. */
function address(): string {
  const id = crypto.randomBytes(6).toString('hex');
  return process.platform === 'win32' ? `\\\\.\\pipe\\conduit-wait-${id}` : path.join(dir, `${id}.sock`);
}

/**
 * A stand-in daemon: a real child process that listens (or not) on `addr` and reports (or not)
 * the way daemon/server/startSignal.ts does, then stays up until its socket's client leaves.
 */
function fakeDaemon(name: string, body: string): string {
  const script = path.join(dir, `${name}.js`);
  fs.writeFileSync(
    script,
    `const net = require('net');
const report = (state) => process.env.CONDUIT_START_SIGNAL === 'ipc' && process.send({ conduitDaemon: state }, () => process.disconnect());
${body}`,
  );
  return script;
}

const forever = 3_600_000;

describe('waitForDaemon', () => {
  it('connects when the daemon reports that it listens, without waiting for a poll', async () => {
    const addr = address();
    const script = fakeDaemon(
      'listens',
      `const s = net.createServer((c) => c.on('close', () => process.exit(0))).listen(${JSON.stringify(addr)}, () => report('listening'));`,
    );
    const started = spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs') });
    // The backstop poll never fires within the test: only the report can wake the wait.
    const socket = await waitForDaemon(addr, started, { timeoutMs: forever, backstopPollMs: forever });
    expect(socket).toBeDefined();
    expect(await started.outcome).toBe('listening');
    socket!.destroy();
  });

  it('connects to the daemon already running when the new one reports that and exits', async () => {
    const addr = address();
    const running = net.createServer((c) => c.end());
    await new Promise<void>((resolve) => running.listen(addr, resolve));
    try {
      const script = fakeDaemon('loser', `report('already-running'); setTimeout(() => process.exit(0), 10);`);
      const started = spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs') });
      const socket = await waitForDaemon(addr, started, { timeoutMs: forever, backstopPollMs: forever });
      expect(socket).toBeDefined();
      socket!.destroy();
    } finally {
      running.close();
    }
  });

  it('gives up as soon as the daemon exits without listening', async () => {
    const addr = address();
    const script = fakeDaemon('crashes', `process.stderr.write('boom\\n'); process.exit(1);`);
    const started = spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs') });
    await expect(waitForDaemon(addr, started, { timeoutMs: forever, backstopPollMs: forever })).resolves.toBe(
      undefined,
    );
    expect(await started.outcome).toBe('exited');
  });

  it('still finds a daemon that listens without reporting, by the backstop poll', async () => {
    const addr = address();
    const script = fakeDaemon(
      'silent',
      `net.createServer((c) => c.on('close', () => process.exit(0))).listen(${JSON.stringify(addr)});`,
    );
    const started = spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs') });
    const socket = await waitForDaemon(addr, started, { timeoutMs: forever, backstopPollMs: 20 });
    expect(socket).toBeDefined();
    socket!.destroy();
  });

  it('gives up at the deadline when nothing ever listens', async () => {
    const addr = address();
    const script = fakeDaemon('hangs', `setTimeout(() => {}, 60_000);`);
    const started = spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs') });
    try {
      await expect(waitForDaemon(addr, started, { timeoutMs: 200, backstopPollMs: 20 })).resolves.toBe(undefined);
    } finally {
      process.kill(started.pid!, 'SIGKILL');
    }
  });
});
