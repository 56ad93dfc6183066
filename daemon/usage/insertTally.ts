/**
 * The SQLite inserts of one journal segment's rows, counted rather than kept: a segment holds up
 * to a megabyte of rows (thousands under load), and keeping a promise per row until it retired
 * was the largest thing that grew in the heap with the request count.
 */
export class InsertTally {
  private pending = 0;
  private failed = false;
  private waiters: Array<(allCommitted: boolean) => void> = [];

  /** Counts `insert` (true when the row was committed) until it settles. */
  track(insert: Promise<boolean>): void {
    this.pending++;
    void insert.then(
      (ok) => this.settle(ok),
      () => this.settle(false),
    );
  }

  /** Resolves once every insert tracked so far has settled: true when all of them committed. */
  settled(): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(!this.failed);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private settle(ok: boolean): void {
    if (!ok) this.failed = true;
    if (--this.pending > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(!this.failed);
  }
}
