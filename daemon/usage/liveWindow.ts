import type { UsageRow } from '../../protocol/usage';

/**
 * The last hour of requests in memory, for live views and the short alert windows. It is fed
 * whether or not the ledger could write the row, so alerts keep working on a full disk. Bounded
 * by count as well as by time: at most `maxRows` rows (a few MB), whatever the request rate;
 * past that the window holds the most recent rows.
 */
export class LiveWindow {
  private rows: UsageRow[] = [];

  constructor(
    readonly horizonMs = 60 * 60_000,
    readonly maxRows = 10_000,
  ) {}

  add(row: UsageRow, now: number): void {
    this.rows.push(row);
    if (this.rows.length > this.maxRows) this.rows.splice(0, this.rows.length - this.maxRows);
    this.prune(now);
  }

  /** Fills the window from the ledger at startup, so a restart does not blind the alerts. */
  seed(rows: readonly UsageRow[], now: number): void {
    const known = new Set(this.rows.map((r) => r.requestId));
    this.rows = [...rows.filter((r) => !known.has(r.requestId)), ...this.rows].sort(
      (a, b) => a.startedAt - b.startedAt,
    );
    if (this.rows.length > this.maxRows) this.rows.splice(0, this.rows.length - this.maxRows);
    this.prune(now);
  }

  /** Requests that started within the last `windowMs` (capped by the horizon). */
  since(windowMs: number, now: number): UsageRow[] {
    this.prune(now);
    const from = now - Math.min(windowMs, this.horizonMs);
    return this.rows.filter((r) => r.startedAt >= from);
  }

  private prune(now: number): void {
    const from = now - this.horizonMs;
    let drop = 0;
    while (drop < this.rows.length && this.rows[drop]!.startedAt < from) drop++;
    if (drop > 0) this.rows.splice(0, drop);
  }
}
