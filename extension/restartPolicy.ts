/**
 * When to restart the daemon after the connection to it drops, after vscode-languageserver-node's
 * default ErrorHandler: restart after each crash, but once `maxRestarts` restarts happened within
 * `windowMs`, stop and let the user decide. Pure: the clock is passed in.
 */
export enum RestartAction {
  Restart = 'restart',
  DoNotRestart = 'doNotRestart',
}

export interface Clock {
  now(): number;
}

export interface RestartPolicyOptions {
  maxRestarts?: number;
  windowMs?: number;
  clock?: Clock;
}

export const DEFAULT_MAX_RESTARTS = 5;
export const DEFAULT_RESTART_WINDOW_MS = 3 * 60_000;

export class RestartPolicy {
  readonly maxRestarts: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  /** When each recent restart was granted. */
  private restarts: number[] = [];

  constructor(opts: RestartPolicyOptions = {}) {
    this.maxRestarts = opts.maxRestarts ?? DEFAULT_MAX_RESTARTS;
    this.windowMs = opts.windowMs ?? DEFAULT_RESTART_WINDOW_MS;
    this.clock = opts.clock ?? { now: () => Date.now() };
  }

  /** The connection closed, or a (re)start failed: restart or give up? */
  closed(): RestartAction {
    const now = this.clock.now();
    this.restarts = this.restarts.filter((t) => now - t < this.windowMs);
    if (this.restarts.length >= this.maxRestarts) return RestartAction.DoNotRestart;
    this.restarts.push(now);
    return RestartAction.Restart;
  }

  /** Restarts granted within the window, as of now. */
  recentRestarts(): number {
    const now = this.clock.now();
    return this.restarts.filter((t) => now - t < this.windowMs).length;
  }

  /** The user asked for a restart: the budget starts afresh. */
  reset(): void {
    this.restarts = [];
  }
}
