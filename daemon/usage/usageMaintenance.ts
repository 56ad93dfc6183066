import type { LedgerLog } from './openLedgerDb';
import { backfillBatch } from './rollupBackfill';
import { compactBatch } from './rollupCompactor';
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
}

/**
 * The ledger's background work, never on the reply path: first the backfill of an older
 * ledger into the rollups (resumable; progress in the log and `conduit status`), then, every
 * interval, compaction of the rollups' sketches and deletion of raw rows past retention, each
 * in small batches that let requests' writes through between them.
 */
export class UsageMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly log: LedgerLog;
  private readonly now: () => number;

  constructor(private readonly opts: UsageMaintenanceOptions) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? Date.now;
  }

  start(): void {
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
    await this.running;
  }

  /** One round; exposed for tests, which drive it without the timer. */
  async round(): Promise<void> {
    try {
      await this.backfill();
      for (const grain of ['hour', 'day'] as const) {
        while (!this.stopped && (await compactBatch(this.opts.ledger.reader(), grain, this.now())) > 0)
          await yieldToIo();
      }
      await this.retain();
    } catch (err) {
      // The ledger may be degraded or closing; the next round tries again.
      this.log('warn', 'usage maintenance: a round failed; it runs again later', {
        err: err instanceof Error ? err.message : String(err),
      });
    }
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
