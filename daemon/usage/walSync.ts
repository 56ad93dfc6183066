import * as fs from 'node:fs';

const fdatasync = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));

/**
 * Flushes the ledger's write-ahead log to disk, on request, after the rows were written.
 *
 * With synchronous=FULL SQLite fsyncs the WAL inside every commit, so a request's reply waited
 * for the disk (0.1 ms typically, several ms at p99 on a busy disk). The ledger now commits with
 * synchronous=NORMAL, which writes the WAL (the row then survives the daemon being killed: it is
 * in the kernel's hands) but leaves the fsync to a checkpoint, and asks this class for the fsync
 * right after each commit, off the reply path. What reaches the disk, and in which order, is
 * what FULL gives; only the reply no longer waits for it. NORMAL keeps the database consistent
 * on its own (SQLite: "WAL mode is safe from corruption with synchronous=NORMAL").
 *
 * fsync flushes a file's data whichever descriptor asks, so a descriptor of our own on the WAL
 * is enough. SQLite keeps its locks on the database and -shm files, never on the WAL, so opening
 * and closing this descriptor cannot drop one of SQLite's POSIX locks. The descriptor is opened
 * for each fsync, not kept: the last connection's close (the daemon's idle trim closes them)
 * checkpoints the WAL and deletes it, and a kept descriptor would then flush a deleted file while
 * the commits went to a new one (on Windows it would also stop SQLite from creating that one).
 * A WAL that is gone has nothing left to flush: the checkpoint that removed it synced the database.
 */
export class WalSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly walFile: string,
    private readonly syncFd: (fd: number) => Promise<void> = fdatasync,
  ) {}

  /**
   * Resolves once everything written to the WAL before the call is on disk. Calls that arrive
   * while an fsync runs share the one after it (that one may have started before their write).
   */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.next ??= this.running.then(
      () => {
        this.next = null;
        return this.sync();
      },
      () => {
        this.next = null;
        return this.sync();
      },
    );
    return this.next;
  }

  /** Waits for the fsyncs asked for so far, then lets go of the file. */
  async close(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)!.catch(() => undefined);
    this.closed = true;
  }

  private async run(): Promise<void> {
    if (this.closed) throw new Error('the WAL sync is closed');
    let fd: number;
    try {
      fd = fs.openSync(this.walFile, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      await this.syncFd(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
