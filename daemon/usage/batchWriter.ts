/**
 * Group commit. While one batch is being written (and fsynced), new items wait and then go to
 * disk together in the next one, so under load N requests share one fsync instead of queueing
 * behind N of them; a lone request still waits only for its own commit.
 */
export class BatchWriter<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 256,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves once everything added so far has been written or has failed. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.writeBatch(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    // Cleared in the same tick as the empty-queue check: an item added a microtask later (a
    // caller reacting to its resolution) must start a new flush, not join one that has ended.
    this.flushing = null;
  }
}
