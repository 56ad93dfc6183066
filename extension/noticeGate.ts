/**
 * One notification per failure. A failed request and the daemon's alert about the same cause
 * (a rejected key: the request's error and `key_rejected`, once per provider tried; a budget: the
 * refusal and the `budget` alert) arrive within moments of each other: the first of a kind is
 * shown, the rest within `windowMs` are not. Pure, with an injected clock.
 */
export class NoticeGate {
  private readonly shownAt = new Map<string, number>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** True when a notification about `kind` may be shown now (and records that it is). */
  claim(kind: string): boolean {
    const t = this.now();
    const last = this.shownAt.get(kind);
    if (last !== undefined && t - last < this.windowMs) return false;
    this.shownAt.set(kind, t);
    return true;
  }

  /** After a success the cause is gone: the next failure of any kind is news again. */
  reset(): void {
    this.shownAt.clear();
  }
}
