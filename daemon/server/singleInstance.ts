import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const MUTEX_STALE_MS = 10_000;
const MUTEX_WAIT_MS = 8_000;

export type BindOutcome = { kind: 'listening'; server: net.Server } | { kind: 'already-running' };

/**
 * Binds the daemon's socket so that exactly one daemon serves it.
 *
 * A live daemon never removes the socket; only a stale one (nobody accepts on it) is removed,
 * and the check-remove-bind sequence runs under a short mkdir mutex, so two daemons racing
 * to start cannot both see "stale" and delete each other's fresh socket. The mutex is held
 * for milliseconds, which is why a mutex older than 10 s can only belong to a crashed starter.
 */
export async function bindSingleInstance(socketPath: string, createServer: () => net.Server): Promise<BindOutcome> {
  if (process.platform === 'win32') return bindPipe(socketPath, createServer);
  const mutex = path.join(path.dirname(socketPath), 'start.lock');
  await acquireMutex(mutex);
  try {
    if (await isAlive(socketPath)) return { kind: 'already-running' };
    fs.rmSync(socketPath, { force: true });
    const server = createServer();
    await listen(server, socketPath);
    fs.chmodSync(socketPath, 0o600);
    return { kind: 'listening', server };
  } finally {
    fs.rmSync(mutex, { recursive: true, force: true });
  }
}

/** Named pipes vanish with their process and refuse a second server, so no mutex is needed. */
async function bindPipe(pipe: string, createServer: () => net.Server): Promise<BindOutcome> {
  const server = createServer();
  try {
    await listen(server, pipe);
    return { kind: 'listening', server };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return { kind: 'already-running' };
    throw err;
  }
}

export function isAlive(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const done = (alive: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(alive);
    };
    // A daemon that accepts but is wedged counts as alive: replacing its socket would orphan it.
    const timer = setTimeout(() => done(true), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(address, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function acquireMutex(dir: string): Promise<void> {
  const deadline = Date.now() + MUTEX_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > MUTEX_STALE_MS) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
    } catch {
      continue; /* it went away between the calls */
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for ${dir}; another daemon seems stuck starting. Remove it if no conduit daemon is running.`,
      );
    await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
  }
}
