import * as net from 'node:net';
import type { StartedDaemon, StartOutcome } from './spawnDaemon';

export interface WaitOptions {
  timeoutMs: number;
  /**
   * How often to look for the socket while the daemon has not reported: only a backstop (a daemon
   * that cannot report); a report wakes the wait at once.
   */
  backstopPollMs?: number;
}

/** After a report, a socket that is not there yet is looked for again this soon. */
const RETRY_AFTER_REPORT_MS = 10;
const BACKSTOP_POLL_MS = 250;

/**
 * Waits for a daemon just spawned to accept connections: it connects as soon as the daemon reports
 * that it listens (or that another daemon already does), and gives up as soon as it exits without
 * a socket to connect to. Undefined when no daemon accepted in time.
 */
export async function waitForDaemon(
  address: string,
  started: StartedDaemon,
  opts: WaitOptions,
): Promise<net.Socket | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  let outcome: StartOutcome | undefined;
  let wake: (() => void) | undefined;
  void started.outcome.then((o) => {
    outcome = o;
    wake?.();
  });
  try {
    for (;;) {
      const socket = await tryConnect(address);
      if (socket) return socket;
      if (outcome === 'exited') return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      const pause = Math.min(left, outcome ? RETRY_AFTER_REPORT_MS : (opts.backstopPollMs ?? BACKSTOP_POLL_MS));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    started.release();
  }
}

export function tryConnect(address: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}
