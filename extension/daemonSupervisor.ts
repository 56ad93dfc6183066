import { ConduitError } from '../protocol';
import { DaemonState } from './daemonState';
import { RestartAction, type RestartPolicy } from './restartPolicy';

/** What the supervisor needs of a connection; DaemonClient has it all. */
export interface SupervisedClient {
  readonly closed: boolean;
  readonly hello: { pid: number; version: string };
  onClose(listener: () => void): void;
  stop(): Promise<unknown>;
  close(): void;
}

export interface SupervisorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SupervisorOptions<C extends SupervisedClient> {
  /** Connects to the user's daemon, starting it when none is listening. */
  connect: () => Promise<C>;
  /** Connects only to a daemon that is already running; undefined when none is. For `attach()`. */
  connectExisting?: () => Promise<C | undefined>;
  policy: RestartPolicy;
  log: SupervisorLog;
  /** Each new connection: subscribe to notifications, push settings. */
  onConnected?: (client: C) => void | Promise<void>;
  /** The restart budget ran out; the supervisor stays Stopped until `restart()`. */
  onGaveUp?: (reason: string) => void;
  /**
   * A daemon of another Conduit version (left over from before an update): replaced once per
   * supervisor, so two installs that disagree cannot replace each other forever.
   */
  isOutdated?: (client: C) => boolean;
  /** Resolves once the process is gone, so a new daemon never races the old one's cleanup. */
  waitForExit?: (pid: number) => Promise<void>;
  /** Runs a restart after a crash; tests run it at once. */
  schedule?: (run: () => void) => void;
}

/**
 * Holds the window's one connection to the daemon: made on first use (activation does no I/O),
 * remade after a crash within the restart budget, and replaced on request. The lifecycle is an
 * explicit state, after vscode-languageserver-node's client.
 */
export class DaemonSupervisor<C extends SupervisedClient> {
  private stateValue = DaemonState.Stopped;
  private current: Promise<C> | undefined;
  private gaveUp: string | undefined;
  private replacedOutdated = false;
  private disposed = false;
  private readonly listeners = new Set<(state: DaemonState) => void>();

  constructor(private readonly opts: SupervisorOptions<C>) {}

  get state(): DaemonState {
    return this.stateValue;
  }

  /** Why the supervisor gave up, while it stays stopped. */
  get failure(): string | undefined {
    return this.gaveUp;
  }

  onDidChangeState(listener: (state: DaemonState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The live connection, connecting (and starting the daemon) when there is none. */
  get(): Promise<C> {
    if (this.disposed)
      return Promise.reject(new ConduitError({ code: 'daemon_unavailable', message: 'Conduit is shutting down.' }));
    if (this.gaveUp) {
      return Promise.reject(
        new ConduitError({
          code: 'daemon_unavailable',
          message: `The Conduit daemon stopped and was not restarted (${this.gaveUp}). Run "Conduit: Restart Daemon" to try again.`,
        }),
      );
    }
    return this.current ?? this.start(false);
  }

  /**
   * Adopts a daemon that is already running (started by another window or the CLI), so the
   * status bar can show it before the first command. Never starts one, never replaces an outdated
   * one (the first command does that), and a failure is not a crash: nothing counts against the
   * restart budget.
   */
  async attach(): Promise<C | undefined> {
    if (
      !this.opts.connectExisting ||
      this.disposed ||
      this.gaveUp ||
      this.current ||
      this.stateValue !== DaemonState.Stopped
    )
      return undefined;
    const client = await this.opts.connectExisting().catch(() => undefined);
    if (!client) return undefined;
    if (this.disposed || this.gaveUp || this.current || this.opts.isOutdated?.(client)) {
      client.close();
      return undefined;
    }
    const pending: Promise<C> = Promise.resolve()
      .then(() => this.connected(pending, client))
      .catch((err: unknown) => {
        client.close();
        if (this.current === pending) {
          this.current = undefined;
          this.setState(DaemonState.Stopped);
        }
        throw err;
      });
    this.current = pending;
    this.setState(DaemonState.Starting);
    return pending.catch(() => undefined);
  }

  /** A deliberate restart: stop the daemon, wait for it to exit, start a new one. Resets the budget. */
  async restart(): Promise<C> {
    this.opts.policy.reset();
    this.gaveUp = undefined;
    const old = this.current;
    this.current = undefined;
    if (old) {
      this.setState(DaemonState.Stopping);
      const client = await old.catch(() => undefined);
      if (client) await this.stopDaemon(client);
    }
    return this.start(false);
  }

  dispose(): void {
    this.disposed = true;
    const old = this.current;
    this.current = undefined;
    this.setState(DaemonState.Stopping);
    // The daemon outlives the window on purpose: other windows and the CLI share it.
    void old?.then(
      (c) => c.close(),
      () => undefined,
    );
    this.setState(DaemonState.Stopped);
  }

  private start(automatic: boolean): Promise<C> {
    this.setState(DaemonState.Starting);
    const pending: Promise<C> = this.opts.connect().then(
      (client) => this.connected(pending, client),
      (err: unknown) => {
        if (this.current === pending) {
          this.current = undefined;
          this.failed(`it could not be started: ${err instanceof Error ? err.message : String(err)}`, automatic);
        }
        throw err;
      },
    );
    this.current = pending;
    return pending;
  }

  private connected(pending: Promise<C>, client: C): Promise<C> {
    if (this.current !== pending) {
      // Replaced or disposed while connecting.
      client.close();
      throw new ConduitError({ code: 'cancelled', message: 'The connection was replaced.' });
    }
    if (client.closed)
      throw new ConduitError({ code: 'daemon_unavailable', message: 'The daemon closed the connection at once.' });
    client.onClose(() => this.closed(pending));
    this.opts.log.info(`connected to the Conduit daemon (pid ${client.hello.pid}, version ${client.hello.version})`);
    if (!this.replacedOutdated && this.opts.isOutdated?.(client)) {
      this.replacedOutdated = true;
      this.opts.log.info(`the daemon is version ${client.hello.version}; replacing it with this extension's`);
      return this.replaceOutdated(client);
    }
    this.setState(DaemonState.Running);
    // Settings are pushed before the first request goes out.
    return Promise.resolve()
      .then(() => this.opts.onConnected?.(client))
      .catch((err: unknown) =>
        this.opts.log.warn(`setting up the connection failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .then(() => client);
  }

  private async replaceOutdated(client: C): Promise<C> {
    this.current = undefined;
    this.setState(DaemonState.Stopping);
    await this.stopDaemon(client);
    return this.start(false);
  }

  private async stopDaemon(client: C): Promise<void> {
    if (!client.closed) {
      const closed = new Promise<void>((resolve) => client.onClose(resolve));
      await client.stop().catch(() => undefined);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 15_000))]);
      client.close();
    }
    // The old daemon removes its socket file as its last act; starting a new one before that
    // would lose the new socket.
    await this.opts.waitForExit?.(client.hello.pid);
  }

  /** The connection of `which` dropped. */
  private closed(which: Promise<C>): void {
    if (this.current !== which) return; // replaced on purpose
    this.current = undefined;
    if (this.stateValue === DaemonState.Stopping || this.disposed) {
      this.setState(DaemonState.Stopped);
      return;
    }
    this.failed('the connection to the daemon closed unexpectedly', true);
  }

  /**
   * A crash or a failed start, counted against the budget. After a crash the daemon is restarted
   * at once; a start the user asked for is not retried behind their back, but still counts.
   */
  private failed(reason: string, restart: boolean): void {
    if (this.disposed) return;
    if (this.opts.policy.closed() === RestartAction.DoNotRestart) {
      this.gaveUp = `${reason}; ${this.opts.policy.maxRestarts} restarts in ${Math.round(this.opts.policy.windowMs / 60_000)} minutes`;
      this.opts.log.error(`giving up on the daemon: ${this.gaveUp}`);
      this.setState(DaemonState.Stopped);
      this.opts.onGaveUp?.(this.gaveUp);
      return;
    }
    if (!restart) {
      this.opts.log.warn(`the daemon is unavailable: ${reason}`);
      this.setState(DaemonState.Stopped);
      return;
    }
    this.opts.log.warn(
      `${reason}; restarting it (${this.opts.policy.recentRestarts()} of ${this.opts.policy.maxRestarts} restarts allowed in ${Math.round(this.opts.policy.windowMs / 60_000)} minutes)`,
    );
    this.setState(DaemonState.Starting);
    const schedule =
      this.opts.schedule ??
      ((run) => {
        setTimeout(run, 100);
      });
    schedule(() => {
      if (this.disposed || this.current || this.gaveUp) return;
      this.start(true).catch(() => undefined);
    });
  }

  private setState(state: DaemonState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const l of this.listeners) l(state);
  }
}
