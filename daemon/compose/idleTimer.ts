export interface IdleTimerDeps {
  timeoutMs: number;
  /** Queued background work and running batches keep the daemon up: only it can run them. */
  pendingWork: () => Promise<number>;
  onIdle: () => void;
}

/** Stops the daemon once it has had no client and no work for the idle timeout. */
export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: IdleTimerDeps) {}

  /** The server went idle (no clients, no requests) or busy again. */
  idleChanged(idle: boolean): void {
    this.clear();
    if (idle && !this.stopped) this.arm();
  }

  /** The daemon is stopping: the timer never fires again. */
  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.deps.pendingWork().then(
        (pending) => (pending > 0 ? this.arm() : this.deps.onIdle()),
        () => this.deps.onIdle(),
      );
    }, this.deps.timeoutMs);
    this.timer.unref();
  }
}
