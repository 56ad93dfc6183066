import type { LedgerLog } from './openLedgerDb';

/** How a UsageLedger is opened and run; the daemon passes few of these, tests most. */
export interface UsageLedgerOptions {
  /** CONDUIT_HOME/usage.db. */
  file: string;
  log?: LedgerLog;
  now?: () => number;
  /** After a failed open, how long before a record() tries to open again. */
  reopenAfterMs?: number;
  /** How the WAL is fsynced after a commit (fdatasync); tests hold or fail it. */
  syncFd?: (fd: number) => Promise<void>;
  /**
   * record() resolves only once the row is fsynced, as with synchronous=FULL (the default in
   * the daemon, config `ledgerAck: "disk"`); concurrent rows still share one fsync. False
   * answers once the row is in the WAL.
   */
  ackAfterFsync?: boolean;
  /**
   * Rows go to the write-ahead journal (ledgerJournal.ts) before the reply, and to SQLite after
   * it (the daemon turns it on). Off, the reply waits for SQLite's commit (and, with
   * ackAfterFsync, its fsync); segments a crash left are replayed at open either way.
   */
  journal?: boolean;
  /** The journal's fdatasync (synchronous, on this thread); tests count or fail it. */
  syncJournal?: (fd: number) => void;
  /** The fsync of the journal's directory after a segment is created; tests count it. */
  syncJournalDir?: (dir: string) => void;
  /** A journal segment with no new row for this long is retired. */
  journalIdleMs?: number;
  journalSegmentBytes?: number;
  /** At most this many journaled rows on their way into SQLite (MAX_ROWS_IN_FLIGHT); tests pass fewer. */
  maxRowsInFlight?: number;
  /** And at most about this many bytes of them (MAX_BYTES_IN_FLIGHT); tests pass fewer. */
  maxBytesInFlight?: number;
}
