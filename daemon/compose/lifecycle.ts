import { Emitter, type Event } from 'vscode-jsonrpc/node';
import { IdleTimer } from './idleTimer';

export interface LifecycleDeps {
  idleTimeoutMs: number;
  /** Work that keeps an idle daemon up (queued jobs, running batches). */
  pendingWork: () => Promise<number>;
}

/**
 * When the daemon counts as started and why it stops. A stop can be asked for (a client, a
 * signal, the idle timer) before the stop sequence is built; it is delivered to whoever listens
 * on `onStopRequested`, which main.ts wires to the shutdown right after building it.
 */
export class Lifecycle {
  private readonly stopRequests = new Emitter<string>();
  readonly onStopRequested: Event<string> = this.stopRequests.event;
  readonly started: Promise<void>;
  private markStarted!: () => void;
  readonly idle: IdleTimer;

  constructor(deps: LifecycleDeps) {
    this.started = new Promise<void>((resolve) => {
      this.markStarted = resolve;
    });
    this.idle = new IdleTimer({
      timeoutMs: deps.idleTimeoutMs,
      pendingWork: deps.pendingWork,
      onIdle: () => this.requestStop('idle'),
    });
  }

  /** The daemon serves: hellos waiting on `started` are answered. */
  markReady(): void {
    this.markStarted();
  }

  readonly requestStop = (reason: string): void => {
    this.stopRequests.fire(reason);
  };

  readonly idleChanged = (idle: boolean): void => {
    this.idle.idleChanged(idle);
  };
}
