/**
 * Writes a backlog to Redis one drain at a time: what waited while Redis was down (or arrived
 * during a drain) goes out in order, never by two drains at once. Work added after the last
 * check runs at once rather than waiting for the next trigger; after a failed drain it waits
 * for the reconnect instead of spinning.
 */
export class BacklogDrainer {
  private running: Promise<void> | undefined;

  /** `drain` resolves false when it stopped on a failure; `more` says whether work is left to do now. */
  constructor(
    private readonly drain: () => Promise<boolean>,
    private readonly more: () => boolean,
  ) {}

  run(): Promise<void> {
    this.running ??= this.drain().then((ok) => {
      this.running = undefined;
      if (ok && this.more()) void this.run();
    });
    return this.running;
  }
}
