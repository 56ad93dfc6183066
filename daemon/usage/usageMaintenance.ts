import type { LedgerLog } from './openLedgerDb';
import type { SqliteDb } from './sqlite';
import { backfillBatch } from './rollupBackfill';
import { compactBatch } from './rollupCompactor';
import { rollBatch } from './rollupRoll';
import { askYearAhead, warmSketchCache } from './rollupSketchWarm';
import { floorTo } from './rollupPlan';
import { HOUR_MS } from './rollupSchema';
import { readRollupState } from './rollupState';
import type { UsageLedger } from './usageLedger';
import { retentionBatch, retentionCutoff } from './usageRetention';

export interface UsageMaintenanceOptions {
  ledger: UsageLedger;
  /** usage.retentionDays: raw rows older than this go; their figures stay in the rollups. */
  retentionDays: number;
  log?: LedgerLog;
  now?: () => number;
  /** Between rounds of compaction and retention. */
  intervalMs?: number;
  /** Between folds of the newest rows into the rollups (queries read the rows not yet folded raw). */
  rollIntervalMs?: number;
}

/**
 * The ledger's background work, never on the reply path: every few seconds, folding the newest
 * rows into the rollups (rollupRoll.ts); first the backfill of an older ledger into the rollups
 * (resumable; progress in the log and `conduit status`), then, every interval, compaction of the rollups' sketches and deletion of raw rows past retention, each
 * in small batches that let requests' writes through between them.
 */
export class UsageMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private rollTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rolling: Promise<void> | null = null;
  private lastRollError: string | null = null;
  private stopped = false;
  private rolledAt: { db: SqliteDb; writes: number } | null = null;
  /** Where the last whole round began, when it found the ledger with nothing to do since. */
  private quietAt: { db: SqliteDb; writes: number; hour: number } | null = null;
  /** Rounds that sent SQLite nothing, as nothing was written and no hour began since the last one. */
  skipped = 0;
  /** The sketches of the last year were read ahead once, after the first round (rollupSketchWarm.ts). */
  private warmed = false;
  private readonly log: LedgerLog;
  private readonly now: () => number;

  constructor(private readonly opts: UsageMaintenanceOptions) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.startRolling();
    if (this.stopped || this.running) return;
    this.running = this.round().finally(() => {
      this.running = null;
      if (!this.stopped) {
        this.timer = setTimeout(() => this.start(), this.opts.intervalMs ?? 60_000);
        this.timer.unref();
      }
    });
  }

  /** Resolves once the round in progress has finished its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.rollTimer) clearTimeout(this.rollTimer);
    await this.running;
    await this.rolling;
  }

  /** Folds the newest rows into the rollups; exposed for tests, which drive it without the timer. */
  async roll(): Promise<void> {
    const db = this.opts.ledger.reader();
    while (!this.stopped && (await rollBatch(db)) > 0) await yieldToIo();
    this.rolledAt = { db, writes: db.writes };
  }

  /**
   * roll() unless nothing was written since the last one found nothing to fold: the 5 s timer
   * then sends the database no query, so an idle daemon's SQLite thread can sleep (idleTrim.ts).
   */
  private rollIfWritten(): Promise<void> {
    const db = this.opts.ledger.reader();
    if (this.rolledAt?.db === db && this.rolledAt.writes === db.writes) return Promise.resolve();
    return this.roll();
  }

  private startRolling(): void {
    if (this.stopped || this.rolling || this.rollTimer) return;
    this.rolling = Promise.resolve()
      .then(() => this.rollIfWritten())
      .catch((err: unknown) => {
        // Once per cause: a degraded ledger would otherwise log this every few seconds.
        const message = err instanceof Error ? err.message : String(err);
        if (message === this.lastRollError) return;
        this.lastRollError = message;
        this.log('warn', 'usage maintenance: folding new rows into the rollups failed; it runs again later', {
          err: message,
        });
      })
      .finally(() => {
        this.rolling = null;
        if (this.stopped) return;
        this.rollTimer = setTimeout(() => {
          this.rollTimer = null;
          this.startRolling();
        }, this.opts.rollIntervalMs ?? 5_000);
        this.rollTimer.unref();
      });
  }

  /**
   * One round; exposed for tests, which drive it without the timer. Skipped, without a message to
   * the SQLite thread, when the last whole round began with the same write generation in the same
   * UTC hour: every step would find what it found then. Rolling and compaction read only the rows;
   * compaction's open buckets and retention's cutoff move on the hour (a day is whole hours), and
   * the read-ahead runs once.
   */
  async round(): Promise<void> {
    try {
      const db = this.opts.ledger.reader();
      const began = { db, writes: db.writes, hour: floorTo(this.now(), HOUR_MS) };
      const q = this.quietAt;
      if (this.warmed && q?.db === began.db && q.writes === began.writes && q.hour === began.hour) {
        this.skipped++;
        return;
      }
      await this.work();
      // The round's own writes (folds, compaction, deletions) bump the generation: the next round
      // then runs once more and finds nothing, and the one after it is skipped.
      if (!this.stopped) this.quietAt = began;
    } catch (err) {
      // The ledger may be degraded or closing; the next round tries again.
      this.log('warn', 'usage maintenance: a round failed; it runs again later', {
        err: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async work(): Promise<void> {
    await this.roll();
    await this.backfill();
    for (const grain of ['hour', 'day'] as const) {
      while (!this.stopped && (await compactBatch(this.opts.ledger.reader(), grain, this.now())) > 0) await yieldToIo();
    }
    await this.retain();
    await this.warm();
  }

  /**
   * Once, after the first round's compaction (which would give the rows it rewrites new versions):
   * the first question over a year or the panel's 90 days then parses no sketch text on its reply
   * path. Not while the rollups are being built, since questions then read the raw rows.
   */
  private async warm(): Promise<void> {
    if (this.warmed || this.stopped) return;
    const db = this.opts.ledger.reader();
    if (!(await readRollupState(db)).ready) return;
    this.warmed = true;
    const days = await warmSketchCache(db, this.now(), yieldToIo);
    if (this.stopped) return;
    await askYearAhead(db, this.now());
    this.log('info', 'usage ledger: read the last year of latency sketches ahead', { days });
  }

  private async backfill(): Promise<void> {
    const db = this.opts.ledger.reader();
    const state = await readRollupState(db);
    if (state.ready) return;
    this.log('info', 'usage ledger: adding existing rows to the rollups in the background', {
      done: state.backfillCursor,
      total: state.backfillEnd,
    });
    let progress;
    let lastLogged = 0;
    while (!this.stopped) {
      progress = await backfillBatch(db);
      this.opts.ledger.setRollupMigration(progress.finished ? null : { done: progress.done, total: progress.total });
      if (progress.finished) {
        this.log('info', 'usage ledger: rollups complete; queries now read them', { rows: progress.total });
        return;
      }
      const percent = Math.floor((progress.done / Math.max(1, progress.total)) * 10) * 10;
      if (percent > lastLogged) {
        lastLogged = percent;
        this.log('info', `usage ledger: rollup migration ${percent}%`, { done: progress.done, total: progress.total });
      }
      await yieldToIo();
    }
  }

  private async retain(): Promise<void> {
    const cutoff = retentionCutoff(this.now(), this.opts.retentionDays);
    let deleted = 0;
    for (;;) {
      if (this.stopped) break;
      const n = await retentionBatch(this.opts.ledger.reader(), cutoff);
      deleted += n;
      if (n === 0) break;
      await yieldToIo();
    }
    if (deleted > 0)
      this.log('info', 'usage ledger: deleted raw rows past usage.retentionDays; their figures stay in the rollups', {
        deleted,
        before: new Date(cutoff).toISOString(),
      });
  }
}

/** Lets the event loop serve requests between two batches. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createUsageMaintenance(opts: UsageMaintenanceOptions): UsageMaintenance {
  return new UsageMaintenance(opts);
}
