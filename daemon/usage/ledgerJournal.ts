import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareDatabaseFile } from '../home/safePath';
import { InsertTally } from './insertTally';
import type { SqlValue } from './sqlite';

/** A segment of the journal: one file, and the SQLite inserts of the rows it holds. */
export interface JournalSegment {
  readonly file: string;
  /** The rows' inserts into SQLite; the segment may go once they all committed and the WAL is on disk. */
  readonly inserts: InsertTally;
}

interface OpenSegment extends JournalSegment {
  fd: number;
  bytes: number;
}

export interface LedgerJournalOptions {
  /** The ledger's database file; segments live beside it as `<file>.rows-<n>`. */
  dbFile: string;
  /** fdatasync each group before it is acknowledged (ledgerAck "disk"); else it follows at once. */
  durable: boolean;
  /** The flush of a segment's file, synchronous on the daemon's own thread; tests count or fail it. */
  syncFd?: (fd: number) => void;
  /** The fsync of the segments' directory after a new segment is created; tests count it. */
  syncDir?: (dir: string) => void;
  /** A segment this big is sealed and a new one started (it is deleted once SQLite holds its rows). */
  segmentBytes?: number;
  /** Called with a segment sealed because it was full, to be retired once SQLite holds its rows. */
  onSealed: (seg: JournalSegment) => void;
}

const SEGMENT = /\.rows-(\d+)$/;

/**
 * The ledger's write-ahead journal: the durability of an answered request's row without a
 * thread on the reply's path. Rows are appended, one JSON line each, by the daemon's own thread
 * with one write() and one fdatasync() per group (every row that finished in the same turn of
 * the event loop shares them), before their replies go out. They reach SQLite afterwards, off
 * the reply path; a segment is deleted only once all its rows are committed and SQLite's WAL is
 * fsynced, and segments left by a crash are replayed into SQLite at the next open (INSERT OR
 * IGNORE on the unique request_id, so a row both journaled and committed is never doubled).
 * docs/performance.md has the argument in full.
 */
export class LedgerJournal {
  private pending: { line: string; resolve: (s: JournalSegment) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private current: OpenSegment | null = null;
  /** A segment created (and its name made durable) ahead of need, while the daemon was idle. */
  private spare: OpenSegment | null = null;
  private nextSeq: number;
  private readonly syncFd: (fd: number) => void;
  private readonly syncDir: (dir: string) => void;

  constructor(
    private readonly opts: LedgerJournalOptions,
    existing: string[],
  ) {
    this.syncFd = opts.syncFd ?? fs.fdatasyncSync;
    this.syncDir = opts.syncDir ?? syncDirectory;
    this.nextSeq = existing.reduce((max, f) => Math.max(max, seqOf(f) + 1), 1);
  }

  /** The segments a previous run left behind, oldest first: rows to replay into SQLite. */
  static leftBehind(dbFile: string): string[] {
    const dir = path.dirname(dbFile);
    const base = `${path.basename(dbFile)}.rows-`;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.startsWith(base) && SEGMENT.test(n))
      .map((n) => path.join(dir, n))
      .sort((a, b) => seqOf(a) - seqOf(b));
  }

  /**
   * The rows of a segment. A line that does not parse was never acknowledged: a write cut short
   * by a crash, or blocks a power cut left unwritten (zeros), so it is skipped.
   */
  static read(file: string): SqlValue[][] {
    const rows: SqlValue[][] = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const row = JSON.parse(line) as unknown;
        if (Array.isArray(row)) rows.push(row as SqlValue[]);
      } catch {
        // Torn or never written.
      }
    }
    return rows;
  }

  /** Resolves with the row's segment once the row is in the journal (and on disk, when durable). */
  append(params: SqlValue[]): Promise<JournalSegment> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(params)}\n`, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate runs right after this turn's I/O callbacks: every row finished in this turn
      // joins the group, and none waits for a timer.
      setImmediate(() => this.flush());
    });
  }

  /** Stops writing to the current segment and hands it over to be retired; null when there is none. */
  seal(): JournalSegment | null {
    const seg = this.current;
    if (!seg) return null;
    this.current = null;
    fs.closeSync(seg.fd);
    return seg;
  }

  /**
   * Creates the next segment now, off any reply's path: called when the daemon has been idle. The
   * next request would otherwise pay for the file's creation and a directory fsync (a second
   * journal commit of the file system) on top of its own fdatasync. A failure here is left for
   * that request to meet, and report, as before.
   */
  prepareNext(): void {
    if (this.spare) return;
    try {
      this.spare = this.create();
    } catch {
      // The request that needs a segment tries again, and its error is the one that counts.
    }
  }

  /** Seals the current segment, as seal() does, and removes the empty spare: nothing is left open. */
  close(): JournalSegment | null {
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      fs.closeSync(spare.fd);
      fs.rmSync(spare.file, { force: true });
    }
    return this.seal();
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.pending.splice(0);
    if (group.length === 0) return;
    let seg: OpenSegment;
    try {
      seg = this.segment();
      const bytes = Buffer.from(group.map((p) => p.line).join(''), 'utf8');
      writeAll(seg.fd, bytes);
      seg.bytes += bytes.length;
      if (this.opts.durable) this.syncFd(seg.fd);
      else {
        const fd = seg.fd;
        // ledgerAck "written": the row survives the daemon being killed now, a power cut once this lands.
        fs.fdatasync(fd, () => undefined);
      }
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    for (const p of group) p.resolve(seg);
  }

  private segment(): OpenSegment {
    if (this.current && this.current.bytes < (this.opts.segmentBytes ?? 1 << 20)) return this.current;
    const full = this.seal();
    if (full) this.opts.onSealed(full);
    this.current = this.spare ?? this.create();
    this.spare = null;
    return this.current;
  }

  private create(): OpenSegment {
    const file = `${this.opts.dbFile}.rows-${this.nextSeq++}`;
    prepareDatabaseFile(file);
    const fd = fs.openSync(file, 'a');
    try {
      // The new file's name must survive a power cut too, not only its contents.
      this.syncDir(path.dirname(file));
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    return { file, fd, bytes: 0, inserts: new InsertTally() };
  }
}

function seqOf(file: string): number {
  return Number(SEGMENT.exec(file)?.[1] ?? 0);
}

function writeAll(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

/** fsync of a directory makes a new entry in it durable; Windows cannot open a directory for it. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
