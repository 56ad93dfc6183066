import { describe, expect, it } from 'vitest';
import { DaemonState } from '../../../extension/daemonState';
import { DaemonSupervisor, type SupervisedClient } from '../../../extension/daemonSupervisor';
import { RestartPolicy } from '../../../extension/restartPolicy';

class FakeClient implements SupervisedClient {
  closed = false;
  stopped = false;
  private readonly listeners: (() => void)[] = [];
  constructor(readonly hello: { pid: number; version: string }) {}
  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }
  async stop(): Promise<unknown> {
    this.stopped = true;
    this.crash();
    return { pid: this.hello.pid };
  }
  close(): void {
    this.closed = true;
  }
  /** The daemon went away. */
  crash(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.listeners) l();
  }
}

function setup(
  opts: { failConnects?: number; version?: (n: number) => string; existing?: () => FakeClient | undefined } = {},
) {
  let t = 0;
  const clock = { now: () => t };
  const clients: FakeClient[] = [];
  const logs: string[] = [];
  const gaveUp: string[] = [];
  const states: DaemonState[] = [];
  const setUp: FakeClient[] = [];
  let spawns = 0;
  let failures = opts.failConnects ?? 0;
  const supervisor = new DaemonSupervisor<FakeClient>({
    connect: async () => {
      spawns++;
      if (failures > 0) {
        failures--;
        throw new Error('spawn failed');
      }
      const c = new FakeClient({ pid: 100 + clients.length, version: opts.version?.(clients.length) ?? '1.0.0' });
      clients.push(c);
      return c;
    },
    policy: new RestartPolicy({ clock }),
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    onGaveUp: (r) => gaveUp.push(r),
    isOutdated: (c) => c.hello.version !== '1.0.0',
    waitForExit: async () => undefined,
    schedule: (run) => run(),
    onConnected: (c) => {
      setUp.push(c);
    },
    ...(opts.existing ? { connectExisting: async () => opts.existing!() } : {}),
  });
  supervisor.onDidChangeState((s) => states.push(s));
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    supervisor,
    clients,
    logs,
    gaveUp,
    states,
    settle,
    setUp,
    spawns: () => spawns,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('DaemonSupervisor', () => {
  it('does nothing until first used, then connects once for concurrent callers', async () => {
    const { supervisor, clients, states } = setup();
    expect(supervisor.state).toBe(DaemonState.Stopped);
    expect(clients).toHaveLength(0);
    const [a, b] = await Promise.all([supervisor.get(), supervisor.get()]);
    expect(a).toBe(b);
    expect(clients).toHaveLength(1);
    expect(states).toEqual([DaemonState.Starting, DaemonState.Running]);
  });

  it('reconnects (restarting the daemon) after a crash', async () => {
    const { supervisor, clients, settle } = setup();
    const first = await supervisor.get();
    first.crash();
    await settle();
    expect(clients).toHaveLength(2);
    expect(supervisor.state).toBe(DaemonState.Running);
    expect(await supervisor.get()).toBe(clients[1]);
  });

  it('gives up after 5 restarts within 3 minutes, stays Stopped, and explains itself', async () => {
    const { supervisor, clients, gaveUp, settle } = setup();
    await supervisor.get();
    for (let i = 0; i < 6; i++) {
      clients[clients.length - 1]!.crash();
      await settle();
    }
    expect(clients).toHaveLength(6); // the first plus five restarts
    expect(supervisor.state).toBe(DaemonState.Stopped);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatch(/5 restarts in 3 minutes/);
    await expect(supervisor.get()).rejects.toThrow(/Restart Daemon/);
  });

  it('keeps restarting when crashes are spread out over time', async () => {
    const { supervisor, clients, gaveUp, settle, advance } = setup();
    await supervisor.get();
    for (let i = 0; i < 10; i++) {
      advance(60_000);
      clients[clients.length - 1]!.crash();
      await settle();
    }
    expect(gaveUp).toHaveLength(0);
    expect(supervisor.state).toBe(DaemonState.Running);
  });

  it('restart() after giving up resets the budget and connects again', async () => {
    const { supervisor, clients, settle } = setup();
    await supervisor.get();
    for (let i = 0; i < 6; i++) {
      clients[clients.length - 1]!.crash();
      await settle();
    }
    expect(supervisor.state).toBe(DaemonState.Stopped);
    const c = await supervisor.restart();
    expect(c).toBe(clients[clients.length - 1]);
    expect(supervisor.state).toBe(DaemonState.Running);
    expect(supervisor.failure).toBeUndefined();
  });

  it('a deliberate restart stops the daemon without counting it as a crash', async () => {
    const { supervisor, clients, states, settle } = setup();
    const first = await supervisor.get();
    const second = await supervisor.restart();
    await settle();
    expect(first.stopped).toBe(true);
    expect(second).not.toBe(first);
    expect(clients).toHaveLength(2); // no extra crash-restart
    expect(states).toEqual([
      DaemonState.Starting,
      DaemonState.Running,
      DaemonState.Stopping,
      DaemonState.Starting,
      DaemonState.Running,
    ]);
  });

  it('a failed start the user asked for is reported, counted, and not retried behind their back', async () => {
    const { supervisor, clients, settle } = setup({ failConnects: 1 });
    await expect(supervisor.get()).rejects.toThrow('spawn failed');
    await settle();
    expect(clients).toHaveLength(0);
    expect(supervisor.state).toBe(DaemonState.Stopped);
    expect(await supervisor.get()).toBe(clients[0]);
  });

  it('replaces a daemon of another version once', async () => {
    const { supervisor, clients } = setup({ version: (n) => (n === 0 ? '0.9.0' : '1.0.0') });
    const c = await supervisor.get();
    expect(clients[0]!.stopped).toBe(true);
    expect(c).toBe(clients[1]);
    expect(c.hello.version).toBe('1.0.0');
  });

  it('does not replace daemons forever when versions keep disagreeing', async () => {
    const { supervisor, clients } = setup({ version: () => '2.0.0' });
    const c = await supervisor.get();
    expect(clients).toHaveLength(2);
    expect(c).toBe(clients[1]);
    expect(supervisor.state).toBe(DaemonState.Running);
  });

  it('dispose closes the connection but leaves the daemon running, and does not restart', async () => {
    const { supervisor, clients, settle } = setup();
    const c = await supervisor.get();
    supervisor.dispose();
    await settle();
    expect(c.closed).toBe(true);
    expect(c.stopped).toBe(false);
    expect(clients).toHaveLength(1);
  });

  describe('attach (the status bar at startup)', () => {
    it('leaves everything alone when no daemon is running: nothing is started', async () => {
      const { supervisor, states, spawns } = setup({ existing: () => undefined });
      expect(await supervisor.attach()).toBeUndefined();
      expect(supervisor.state).toBe(DaemonState.Stopped);
      expect(states).toEqual([]);
      expect(spawns()).toBe(0);
    });

    it('adopts a running daemon, sets the connection up, and later commands use it', async () => {
      const running = new FakeClient({ pid: 7, version: '1.0.0' });
      const { supervisor, setUp, spawns } = setup({ existing: () => running });
      expect(await supervisor.attach()).toBe(running);
      expect(supervisor.state).toBe(DaemonState.Running);
      expect(setUp).toEqual([running]);
      expect(await supervisor.get()).toBe(running);
      expect(spawns()).toBe(0);
    });

    it('does not replace an outdated daemon just to show status; the first command does', async () => {
      const old = new FakeClient({ pid: 7, version: '0.9.0' });
      const { supervisor, spawns } = setup({ existing: () => old });
      expect(await supervisor.attach()).toBeUndefined();
      expect(old.closed).toBe(true);
      expect(old.stopped).toBe(false);
      expect(supervisor.state).toBe(DaemonState.Stopped);
      expect(spawns()).toBe(0);
    });

    it('does nothing while a connection exists, and a failed attach costs no restart budget', async () => {
      const { supervisor, spawns } = setup({
        existing: () => {
          throw new Error('refused');
        },
      });
      expect(await supervisor.attach()).toBeUndefined();
      const first = await supervisor.get();
      expect(await supervisor.attach()).toBeUndefined();
      expect(await supervisor.get()).toBe(first);
      expect(spawns()).toBe(1);
    });

    it('a crash of the adopted daemon is handled like any other: it is restarted', async () => {
      const running = new FakeClient({ pid: 7, version: '1.0.0' });
      const { supervisor, settle, spawns } = setup({ existing: () => running });
      await supervisor.attach();
      running.crash();
      await settle();
      const next = await supervisor.get();
      expect(next).not.toBe(running);
      expect(spawns()).toBe(1);
    });
  });
});
