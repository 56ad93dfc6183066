import * as v8 from 'node:v8';

/**
 * TurboFan held off while the daemon starts (issue #23). A start runs a few functions often enough
 * for V8 to optimize them (zod's schema constructor, the bundle's name helper, node:path in the
 * SQLite thread's require), and one optimized function pages in TurboFan's own code: about 3.4 MB
 * of the `node` binary that an idle daemon then keeps resident for nothing (docs/performance.md,
 * "Memory, fifth pass"). Ignition and Sparkplug still run everything; the hold ends at the first
 * chat request or after the start's quiet spell (the idle trim), whichever comes first, so no
 * request and no lasting work runs without the optimizer. On by default; CONDUIT_OPTIMIZER_HOLD=0 (read
 * by daemonEntry.ts) turns it off. The memory bench's peak under load falls in a higher group in some
 * runs with it and without it (docs/performance.md, "Memory, fifth pass" and "Memory, eighth pass").
 */
export class OptimizerHold {
  private holding = false;
  private everHeld = false;

  constructor(
    private readonly setFlags: (flags: string) => void = v8.setFlagsFromString,
    private readonly execArgv: readonly string[] = process.execArgv,
  ) {}

  /** Turns the optimizer off; false when the runtime refuses to change V8's flags (the start goes on as before). */
  hold(): boolean {
    // A caller that turned TurboFan off itself (--no-opt, --jitless) keeps it off: release() must not turn it on.
    if (this.execArgv.some((a) => /^--(no-opt|no-turbofan|jitless)$/.test(a))) return false;
    try {
      this.setFlags('--no-turbofan');
    } catch {
      return false;
    }
    this.holding = true;
    this.everHeld = true;
    return true;
  }

  /** What `conduit status --json` reports under memoryTuning. */
  get state(): 'held' | 'released' | 'not held' {
    return this.holding ? 'held' : this.everHeld ? 'released' : 'not held';
  }

  /** Ends the hold; idempotent, so it can sit on the request path at the cost of one branch. */
  readonly release = (): void => {
    if (!this.holding) return;
    this.holding = false;
    try {
      this.setFlags('--turbofan');
    } catch {
      // It sits on the request path: a runtime that took the first flag and refuses this one costs speed, not requests.
    }
  };

  /**
   * Runs `fn` with the flags as they were while the bundle was compiled. A runtime whose V8 stamps
   * its code cache with a hash of the flags (Node 22's compile cache) would otherwise write a cache
   * the next start, compiling under the hold, rejects.
   */
  asAtStart(fn: () => void): void {
    const toggle = this.everHeld && !this.holding;
    if (toggle) this.setFlags('--no-turbofan');
    try {
      fn();
    } finally {
      if (toggle) this.setFlags('--turbofan');
    }
  }
}
