import { describe, expect, it } from 'vitest';
import { isStartSignal, signalSpawner, START_SIGNAL_ENV } from '../../../../daemon/server/startSignal';

/** The slice of a process signalSpawner touches, recording what it did. */
function fakeProcess(env: NodeJS.ProcessEnv, connected = true) {
  const sent: unknown[] = [];
  const proc = {
    env,
    connected,
    send(message: unknown, _handle: unknown, _opts: unknown, done: (err: Error | null) => void) {
      sent.push(message);
      done(null);
      return true;
    },
    disconnect() {
      proc.connected = false;
    },
  };
  return { proc, sent };
}

describe('signalSpawner', () => {
  it('reports once to a spawner that asked, then closes the channel and forgets the request', () => {
    const { proc, sent } = fakeProcess({ [START_SIGNAL_ENV]: 'ipc' });
    signalSpawner('listening', proc as unknown as NodeJS.Process);
    expect(sent).toEqual([{ conduitDaemon: 'listening' }]);
    expect(proc.connected).toBe(false);
    // A child of the daemon does not inherit the request.
    expect(proc.env[START_SIGNAL_ENV]).toBeUndefined();
  });

  it('sends nothing to a parent that did not ask (a process manager with its own IPC)', () => {
    const { proc, sent } = fakeProcess({});
    signalSpawner('listening', proc as unknown as NodeJS.Process);
    expect(sent).toEqual([]);
    expect(proc.connected).toBe(true);
  });

  it('tells its messages apart from anything else on the channel', () => {
    expect(isStartSignal({ conduitDaemon: 'already-running' })).toBe(true);
    expect(isStartSignal({ conduitDaemon: 'ready?' })).toBe(false);
    expect(isStartSignal(null)).toBe(false);
  });
});
