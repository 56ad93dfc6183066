import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConduitError } from '../../protocol/errors';
import type { LedgerStatus } from '../../protocol/usage';
import { BatchWriter } from './batchWriter';
import { replayJournal } from './journalReplay';
import { LedgerJournal, type JournalSegment } from './ledgerJournal';
import { INSERT_SQL, recordParams, recordToUsageRow } from './ledgerRow';
import { selectRecentRows } from './ledgerQueries';
import { LiveWindow } from './liveWindow';
import { openLedgerDb, type LedgerLog } from './openLedgerDb';
import { readOnlyProblem, writeProblem } from './readOnlyProblem';
import type { RequestRecord, RequestRecorder } from './requestRecord';
import { RowsInFlight } from './rowsInFlight';
import type { UsageLedgerOptions } from './usageLedgerOptions';
import type { SqliteDb, SqlValue } from './sqlite';
import { describeStorageFailure, isStorageFailure } from './storageFailure';
import { WalSync } from './walSync';

export const LEDGER_FILE = 'usage.db';
export { MAX_BYTES_IN_FLIGHT, MAX_ROWS_IN_FLIGHT } from './rowsInFlight';
export type { UsageLedgerOptions } from './usageLedgerOptions';

/** A row on its way to SQLite; one already in the journal needs no fsync of its own. */
interface LedgerWrite {
  params: SqlValue[];
  journaled: boolean;
}

/**
 * The usage ledger: one row per logical request, written exactly once. `record()` resolves
 * once the row is committed to the WAL, so a request the client saw answered always has its
 * row, even if the daemon is killed right after. With `ackAfterFsync` (the daemon's default) it
 * also waits for the fsync that makes the row survive a power cut; without it that fsync
 * follows at once, off the reply path (walSync.ts; `durable()` waits for it). It never throws,
 * and a store that cannot write (full, read-only, gone) turns into `{ recorded: false }` and a
 * degraded status instead of failed requests.
 */
export class UsageLedger implements RequestRecorder {
  readonly live = new LiveWindow();
  private db: SqliteDb | null = null;
  private state: LedgerStatus['state'] = 'opening';
  private degraded: string | null = null;
  private unrecorded = 0;
  private rollupMigration: LedgerStatus['rollupMigration'] = null;
  private opening: Promise<void> | null = null;
  private lastOpenAttempt = 0;
  private readonly writer = new BatchWriter<LedgerWrite, boolean>((batch) => this.insert(batch));
  private journal: LedgerJournal | null = null;
  private retiring: Promise<void> = Promise.resolve();
  private idleSeal: NodeJS.Timeout | null = null;
  /** Journaled rows on their way into SQLite. */
  private readonly handoffs: RowsInFlight;
  /** Null when the WAL cannot be flushed by us: then SQLite fsyncs inside each commit (FULL). */
  private walSync: WalSync | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly log: LedgerLog;
  private readonly now: () => number;

  constructor(private readonly opts: UsageLedgerOptions) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? Date.now;
    this.handoffs = new RowsInFlight(opts.maxRowsInFlight, opts.maxBytesInFlight);
  }

  static inHome(home: string, opts: Omit<UsageLedgerOptions, 'file'> = {}): UsageLedger {
    return new UsageLedger({ ...opts, file: path.join(home, LEDGER_FILE) });
  }

  get file(): string {
    return this.opts.file;
  }

  /** Opens the database; never throws (a failure leaves the ledger degraded). */
  open(): Promise<void> {
    this.opening ??= this.doOpen().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  async record(record: RequestRecord): Promise<{ recorded: boolean }> {
    try {
      const now = this.now();
      this.live.add(recordToUsageRow(record), now);
      if (this.state === 'closed') return this.notRecorded(1);
      if (!this.db) await this.reopenIfDue(now);
      if (!this.db) return this.notRecorded(1);
      const params = recordParams(record, now);
      if (this.journal) {
        const seg = await this.journaled(params);
        if (seg) {
          // The row is durable now; SQLite gets it after the reply has gone out (the next turn).
          const insert = new Promise<boolean>((resolve) =>
            setImmediate(() => resolve(this.writer.add({ params, journaled: true }).catch(() => false))),
          );
          seg.inserts.track(insert);
          this.handoffs.add(insert, params);
          this.armIdleSeal();
          await this.handoffs.withinBound();
          return { recorded: true };
        }
      }
      const recorded = await this.writer.add({ params, journaled: false });
      return { recorded };
    } catch (err) {
      // The contract: never throw into the request path.
      this.log('error', 'usage ledger: unexpected error while recording', {
        err: err instanceof Error ? err.message : String(err),
      });
      return this.notRecorded(1);
    }
  }

  status(): LedgerStatus {
    return {
      file: this.opts.file,
      state: this.state,
      degraded: this.degraded,
      unrecorded: this.unrecorded,
      rollupMigration: this.rollupMigration,
    };
  }

  /** Progress of the rollup backfill of an older ledger (usageMaintenance.ts); null when none runs. */
  setRollupMigration(progress: LedgerStatus['rollupMigration']): void {
    this.rollupMigration = progress;
  }

  /** The database for queries; a clear error when the ledger could not be opened at all. */
  reader(): SqliteDb {
    if (!this.db) {
      throw new ConduitError({
        code: 'internal',
        message: `The usage ledger is unavailable: ${this.degraded ?? 'it is not open yet'}.`,
      });
    }
    return this.db;
  }

  /**
   * Resolves once every row recorded so far is in SQLite. With the journal, record() resolves
   * before that (the row is durable in the journal), so a query that must see the rows answered
   * so far (usage, export, a rating of the last answer) waits for this first.
   */
  async settled(): Promise<void> {
    await this.handoffs.settled();
  }

  /** Journaled rows not yet in SQLite (at most `maxRowsInFlight`, and their replies wait past it). */
  get rowsInFlight(): number {
    return this.handoffs.size;
  }

  /** Resolves once every row recorded so far is on disk (fsynced), not only written. */
  async durable(): Promise<void> {
    await this.settled();
    await this.writer.idle();
    await this.flushing;
  }

  /** Waits for pending writes and their fsync, then closes. Records after this are not written. */
  async close(): Promise<void> {
    await this.opening;
    if (this.idleSeal) clearTimeout(this.idleSeal);
    this.idleSeal = null;
    await this.writer.idle();
    const last = this.journal?.close();
    this.journal = null;
    if (last) this.retire(last);
    await this.retiring;
    await this.durable();
    this.state = 'closed';
    const db = this.db;
    this.db = null;
    const walSync = this.walSync;
    this.walSync = null;
    await walSync?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
  }

  private async doOpen(): Promise<void> {
    this.lastOpenAttempt = this.now();
    try {
      const { db } = await openLedgerDb(this.opts.file, this.log, this.now);
      if (this.state === 'closed') {
        await db.close();
        return;
      }
      // The commit writes the WAL; walSync.ts fsyncs it right after, off the reply path.
      await db.exec('PRAGMA synchronous = NORMAL');
      this.walSync = new WalSync(`${this.opts.file}-wal`, this.opts.syncFd);
      const left = LedgerJournal.leftBehind(this.opts.file);
      if (left.length > 0)
        await replayJournal(db, left, this.walSync, this.log).catch((err: unknown) => {
          // Kept for the next start; new rows go to new segments after them.
          this.log('error', 'usage ledger: could not replay the journal; it is kept for the next start', {
            err: err instanceof Error ? err.message : String(err),
          });
        });
      if (this.opts.journal === true)
        this.journal = new LedgerJournal(
          {
            dbFile: this.opts.file,
            durable: this.opts.ackAfterFsync === true,
            ...(this.opts.syncJournal ? { syncFd: this.opts.syncJournal } : {}),
            ...(this.opts.syncJournalDir ? { syncDir: this.opts.syncJournalDir } : {}),
            ...(this.opts.journalSegmentBytes ? { segmentBytes: this.opts.journalSegmentBytes } : {}),
            onSealed: (seg) => this.retire(seg),
          },
          left,
        );
      this.db = db;
      // A read-only store still answers queries, so keep it open, but say now, before the
      // first request is lost, that nothing will be recorded.
      const readOnly = writeProblem(this.opts.file);
      if (readOnly) this.setDegraded(readOnly);
      else this.setHealthy();
      await this.seedLiveWindow(db);
    } catch (err) {
      // SQLite says "cannot open" for a WAL database on a read-only store; name the real cause.
      this.setDegraded(readOnlyProblem(this.opts.file) ?? err);
    }
  }

  private async reopenIfDue(now: number): Promise<void> {
    if (this.opening) return this.opening;
    if (now - this.lastOpenAttempt < (this.opts.reopenAfterMs ?? 30_000)) return;
    await this.open();
  }

  private async seedLiveWindow(db: SqliteDb): Promise<void> {
    const now = this.now();
    try {
      this.live.seed(
        await selectRecentRows(db, { since: now - this.live.horizonMs, until: now + 1 }, this.live.maxRows),
        now,
      );
    } catch {
      // Live figures start empty; the ledger itself is fine.
    }
  }

  /** The row's journal segment once the row is in it; null when the journal failed (SQLite takes the row). */
  private async journaled(params: SqlValue[]): Promise<JournalSegment | null> {
    const journal = this.journal;
    try {
      return await journal!.append(params);
    } catch (err) {
      if (this.journal === journal) {
        this.journal = null;
        const detail = { err: err instanceof Error ? err.message : String(err) };
        this.log('warn', 'usage ledger: the journal cannot be written; rows go to SQLite before the reply', detail);
      }
      return null;
    }
  }

  /** Seals the journal's segment once no row arrived for a while: an idle daemon keeps no rows in one. */
  private armIdleSeal(): void {
    if (this.idleSeal) {
      this.idleSeal.refresh();
      return;
    }
    this.idleSeal = setTimeout(() => {
      this.idleSeal = null;
      const seg = this.journal?.seal();
      if (seg) this.retire(seg);
      // Idle now: the next segment is made here rather than on the next request's reply path.
      this.journal?.prepareNext();
    }, this.opts.journalIdleMs ?? 1000);
    this.idleSeal.unref();
  }

  /**
   * Deletes a sealed segment once every row in it is committed and the WAL holding them is on
   * disk. A row SQLite could not take keeps its segment, to be replayed at the next open.
   */
  private retire(seg: JournalSegment): void {
    this.retiring = this.retiring
      .then(async () => {
        if (!(await seg.inserts.settled())) return;
        await this.walSync?.sync();
        fs.rmSync(seg.file, { force: true });
      })
      .catch((err: unknown) => {
        this.log('warn', 'usage ledger: a journal segment was kept, to be replayed at the next start', {
          file: seg.file,
          err: err instanceof Error ? err.message : String(err),
        });
      });
  }

  /** Writes one batch in one transaction; rows not already in the journal get an fsync. */
  private async insert(writes: LedgerWrite[]): Promise<boolean[]> {
    const batch = writes.map((w) => w.params);
    const needsSync = writes.some((w) => !w.journaled);
    const db = this.db;
    if (!db) return this.unrecordedBatch(batch.length);
    try {
      if (batch.length === 1) {
        // One row needs no explicit transaction: a lone INSERT commits itself atomically in one
        // trip to SQLite's thread instead of three (BEGIN, INSERT, COMMIT). Measured in bench/
        // (docs/performance.md).
        await db.write(() => db.runPrepared(INSERT_SQL, batch[0]));
      } else {
        await db.transaction(async () => {
          for (const params of batch) await db.runPrepared(INSERT_SQL, params);
        });
      }
      if (needsSync) {
        this.flushing = this.flush(db);
        if (this.opts.ackAfterFsync) await this.flushing;
      }
      this.setHealthy();
      return batch.map(() => true);
    } catch (err) {
      if (batch.length > 1 && !isStorageFailure(err)) {
        // One bad row must not cost the others theirs.
        const results: boolean[] = [];
        for (const w of writes) results.push((await this.insert([w]))[0]!);
        return results;
      }
      this.setDegraded(err);
      return this.unrecordedBatch(batch.length);
    }
  }

  /**
   * The fsync for what was just committed. Should our own fsync fail (the WAL cannot be opened,
   * say), SQLite goes back to fsyncing inside each commit and the WAL is checkpointed, which
   * fsyncs it, so rows already acknowledged reach the disk too.
   */
  private async flush(db: SqliteDb): Promise<void> {
    const walSync = this.walSync;
    if (!walSync) return;
    try {
      await walSync.sync();
    } catch (err) {
      if (this.walSync !== walSync) return;
      this.walSync = null;
      this.log('warn', 'usage ledger: could not fsync the WAL itself; SQLite fsyncs each commit from now on', {
        err: err instanceof Error ? err.message : String(err),
      });
      await db.write(() => db.exec('PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(FULL);')).catch(() => undefined);
      await walSync.close().catch(() => undefined);
    }
  }

  private unrecordedBatch(n: number): boolean[] {
    this.unrecorded += n;
    return new Array<boolean>(n).fill(false);
  }

  private notRecorded(n: number): { recorded: false } {
    this.unrecorded += n;
    return { recorded: false };
  }

  private setHealthy(): void {
    if (this.state === 'degraded')
      this.log('info', 'usage ledger: recording again', { file: this.opts.file, unrecorded: this.unrecorded });
    this.state = 'ok';
    this.degraded = null;
  }

  private setDegraded(err: unknown): void {
    const { message } = describeStorageFailure(err, this.opts.file);
    // Log the transition, not every request, or a full disk would also fill the log.
    if (this.degraded !== message) {
      this.log('error', `usage ledger: ${message}`, {
        file: this.opts.file,
        code: (err as { code?: unknown } | null)?.code,
        err: err instanceof Error ? err.message : String(err),
      });
    }
    this.state = 'degraded';
    this.degraded = message;
  }
}
