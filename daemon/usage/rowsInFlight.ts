import type { SqlValue } from './sqlite';

/**
 * Journaled rows held in memory on their way into SQLite, at most (issue #23). Each is about 2 kB
 * (its parameters, its promise and the writer's entry), so 1,024 is about 2 MB. Under a steady load
 * the SQLite thread keeps a batch or two behind (up to about 250 rows at 16 requests at a time in
 * bench/memory.ts); past the bound, a reply waits for the oldest rows to reach SQLite, as it would
 * without the journal, instead of the backlog growing with every request while SQLite is slow.
 */
export const MAX_ROWS_IN_FLIGHT = 1024;
/**
 * The same in bytes: a row with samples (sampling.maxChars, up to 100,000 characters each) weighs
 * far more than 2 kB, so sampled rows reach this first. At least one row is always let through.
 */
export const MAX_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

/** About what a row's parameters hold in memory: its strings, and a slot for every value. */
function paramBytes(params: readonly SqlValue[]): number {
  let n = 64 * params.length;
  for (const p of params) if (typeof p === 'string') n += p.length;
  return n;
}

/** The ledger's journaled rows not yet in SQLite: their inserts, what they weigh, and the bound. */
export class RowsInFlight {
  /** Each insert (never rejects) and its row's weight; a Map iterates in insertion order, oldest first. */
  private readonly inserts = new Map<Promise<boolean>, number>();
  private bytes = 0;

  constructor(
    private readonly maxRows = MAX_ROWS_IN_FLIGHT,
    private readonly maxBytes = MAX_BYTES_IN_FLIGHT,
  ) {}

  get size(): number {
    return this.inserts.size;
  }

  /** Counts a row until its insert settles. */
  add(insert: Promise<boolean>, params: readonly SqlValue[]): void {
    const bytes = paramBytes(params);
    this.inserts.set(insert, bytes);
    this.bytes += bytes;
    void insert.finally(() => {
      this.inserts.delete(insert);
      this.bytes -= bytes;
    });
  }

  /** Resolves once every row counted so far is in SQLite (or failed to get there). */
  async settled(): Promise<void> {
    if (this.inserts.size > 0) await Promise.all([...this.inserts.keys()]);
  }

  /** Waits, oldest first, until the rows are within both bounds. */
  async withinBound(): Promise<void> {
    while (this.inserts.size > this.maxRows || (this.inserts.size > 1 && this.bytes > this.maxBytes))
      await this.inserts.keys().next().value;
  }
}
