const SLOT_MS = 60_000;
const SLOTS = 61;

/**
 * How often requests hit a limit: for each minute of the last hour, how many attempts were let
 * through, and how many of them had to wait in the queue or came back 429. Counting is two
 * array writes, so it can sit on the limiter's fast path.
 */
export class LimitPressure {
  private readonly minutes = new Array<number>(SLOTS).fill(-1);
  private readonly requests = new Array<number>(SLOTS).fill(0);
  private readonly limited = new Array<number>(SLOTS).fill(0);

  /** One attempt asked for capacity; `waited` when it could not go at once. */
  count(now: number, waited: boolean): void {
    const i = this.slot(now);
    this.requests[i]!++;
    if (waited) this.limited[i]!++;
  }

  /** An attempt that went without waiting came back 429. */
  rateLimited(now: number): void {
    this.limited[this.slot(now)]!++;
  }

  /** Totals over the last `windowMs` (whole minutes, rounded up). */
  over(windowMs: number, now: number): { requests: number; limited: number } {
    const current = Math.floor(now / SLOT_MS);
    const span = Math.min(SLOTS - 1, Math.ceil(windowMs / SLOT_MS));
    let requests = 0;
    let limited = 0;
    for (let i = 0; i < SLOTS; i++) {
      const m = this.minutes[i]!;
      if (m > current - span && m <= current) {
        requests += this.requests[i]!;
        limited += this.limited[i]!;
      }
    }
    return { requests, limited };
  }

  private slot(now: number): number {
    const minute = Math.floor(now / SLOT_MS);
    const i = minute % SLOTS;
    if (this.minutes[i] !== minute) {
      this.minutes[i] = minute;
      this.requests[i] = 0;
      this.limited[i] = 0;
    }
    return i;
  }
}
