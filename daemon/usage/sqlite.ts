import { NativeModuleError } from '../platform/nativeModule';
import { SqliteThread, type ThreadReply } from './sqliteThread';

export type SqlValue = string | number | null;

/** An error from SQLite or the file system, with the code that says which. */
export interface StorageError extends Error {
  code?: string;
  errno?: number;
}

/** The SQLite binding: a Node-API module with prebuilt binaries for every target, so nothing is compiled. */
export const SQLITE_MODULE = '@photostructure/sqlite';

/**
 * Which module the SQLite thread loads. `CONDUIT_SQLITE_DRIVER=node:sqlite` runs the same code on
 * the runtime's built-in SQLite (Node 22.5+), for comparing the two (bench/sqliteBench.ts).
 */
function driver(): string {
  return process.env.CONDUIT_SQLITE_DRIVER === 'node:sqlite' ? 'node:sqlite' : SQLITE_MODULE;
}

/** The module the SQLite thread loads and where it is resolved from, for other threads (exportWorkers.ts). */
export function sqliteDriver(): { driver: string; requireFrom: string } {
  return { driver: driver(), requireFrom: __filename };
}

/**
 * One SQLite connection, run on a worker thread. The binding is synchronous (it has node:sqlite's
 * API), so connections live on a worker thread and the daemon's event loop only posts messages:
 * a slow query or an fsync inside a commit never holds up a reply. The connections of a process
 * share one thread (sqliteThread.ts), which answers messages one at a time, in order; still,
 * statements from two async callers could interleave inside one another's transaction, so every
 * write goes through `write()`, which runs one unit of work at a time, in order. Reads are not
 * queued: SQLite gives them a consistent view.
 */
export class SqliteDb {
  private queue: Promise<unknown> = Promise.resolve();
  /** Units of work queued or under way: the thread may not close the connection at idle meanwhile. */
  private writing = 0;
  private changed = 0;
  /** The per-connection pragmas set so far, by name, replayed when the connection opens again. */
  private readonly settings = new Map<string, string>();
  private closed = false;
  private dead: Error | null = null;
  private readonly stopWatching: () => void;

  private constructor(
    private readonly thread: SqliteThread,
    private readonly conn: number,
    readonly file: string,
  ) {
    this.stopWatching = thread.onDeath((err) => {
      this.dead ??= new Error(`the SQLite thread for ${file} stopped: ${err.message}`);
    });
  }

  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<SqliteDb> {
    // Thread and connection number are taken in the same turn, so a second open of the same file
    // that starts meanwhile sees this one and goes to another thread.
    const thread = SqliteThread.forFile(file, driver(), __filename);
    const open = { op: 'open', file, readOnly: opts.readOnly === true };
    const db = new SqliteDb(thread, thread.attach(file), file);
    thread.hook(db.conn, {
      reopen: () => [open, ...(db.settings.size > 0 ? [{ op: 'exec', sql: [...db.settings.values()].join(' ') }] : [])],
      idle: () => db.writing === 0,
      failed: (err) => {
        db.dead ??= new Error(`could not open ${file} again after the idle trim: ${err.message}`);
      },
    });
    try {
      await db.call(open);
    } catch (err) {
      db.stopWatching();
      await thread.detach(db.conn);
      throw err;
    }
    return db;
  }

  /**
   * Boots the SQLite thread (its isolate and binding) without opening any database, so the first
   * open finds it running: the daemon's entry calls this before compiling the rest of the daemon.
   */
  static startThread(): void {
    SqliteThread.forFile(SQLITE_MODULE, driver(), __filename);
  }

  /** A database whose commits are on disk when they resolve: WAL, synchronous=FULL, a busy timeout. */
  static async openDurable(file: string): Promise<SqliteDb> {
    const db = await SqliteDb.open(file);
    try {
      await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return db;
  }

  /** The worker thread this connection runs on (connections of one process share it). */
  get threadId(): number {
    return this.thread.threadId;
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return (this.call({ op: 'run', sql, params }) as Promise<{ changes: number }>).then(
      (r) => {
        if (r.changes > 0) this.changed++;
        return r;
      },
      (err: unknown) => {
        // A failed statement may have ended its transaction (SQLite rolls back on a full disk, say).
        this.changed++;
        throw err;
      },
    );
  }

  /**
   * The write generation: bumped by everything on this connection that may have changed what a
   * read sees (a run() that changed rows, an exec() other than BEGIN or COMMIT: a migration, a
   * ROLLBACK undoing rows a read in the transaction saw; any statement that failed). Background
   * work and the answers' memo (aggregateMemo.ts) compare it to skip a pass or a question with
   * nothing new. The ledger is written by this daemon's own connection only.
   */
  get writes(): number {
    return this.changed;
  }

  /**
   * run() for a statement that repeats (the ledger's INSERT). The SQLite thread keeps every
   * recent statement prepared, so this is run() under the name callers already use.
   */
  runPrepared(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return this.run(sql, params);
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.call({ op: 'get', sql, params }) as Promise<T | undefined>;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.call({ op: 'all', sql, params }) as Promise<T[]>;
  }

  exec(sql: string): Promise<void> {
    return (this.call({ op: 'exec', sql }) as Promise<void>).then(
      () => {
        if (!TRANSACTION_BOUNDARY.test(sql)) this.changed++;
        this.remember(sql);
      },
      (err: unknown) => {
        this.changed++;
        throw err;
      },
    );
  }

  /** Runs `work` after every earlier write has finished; one failing does not stop the next. */
  write<T>(work: () => Promise<T>): Promise<T> {
    this.writing++;
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined).finally(() => this.writing--);
    return result;
  }

  /** A write transaction: committed (and, with synchronous=FULL, on disk) when it resolves. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.write(async () => {
      // IMMEDIATE takes the write lock up front, so a busy database fails here, not mid-way.
      await this.exec('BEGIN IMMEDIATE');
      try {
        const value = await work();
        await this.exec('COMMIT');
        return value;
      } catch (err) {
        await this.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.queue
      .then(() => this.call({ op: 'close' }, true))
      .then(() => undefined)
      .finally(() => {
        this.stopWatching();
        return this.thread.detach(this.conn);
      });
  }

  private remember(sql: string): void {
    for (const statement of sql.split(';')) {
      const m = CONNECTION_PRAGMA.exec(statement.trim());
      if (m) this.settings.set(m[1]!.toLowerCase(), `PRAGMA ${m[1]} = ${m[2]};`);
    }
  }

  private async call(message: Record<string, unknown>, closing = false): Promise<unknown> {
    if (this.dead) throw this.dead;
    if (this.closed && !closing)
      throw Object.assign(new Error('SQLITE_MISUSE: Database is closed'), { code: 'SQLITE_MISUSE' });
    let reply: ThreadReply;
    try {
      reply = await this.thread.post(this.conn, message);
    } catch (err) {
      this.dead ??= new Error(`the SQLite thread for ${this.file} stopped: ${(err as Error).message}`);
      throw this.dead;
    }
    if (!reply.ok) throw toError(reply.error!);
    return reply.value;
  }
}

/** Starting or committing a transaction changes nothing a read on this connection saw. */
const TRANSACTION_BOUNDARY = /^\s*(BEGIN|COMMIT)\b[^;]*;?\s*$/i;

/**
 * Pragmas that hold for one connection only (journal_mode is in the file, but costs nothing to
 * set again). A statement of the form `PRAGMA name = value` among them is kept, the latest per
 * name, so a connection opened again after the idle trim behaves as it did.
 */
const CONNECTION_PRAGMA =
  /^PRAGMA\s+(synchronous|busy_timeout|journal_mode|foreign_keys|cache_size|temp_store)\s*=\s*(\w+)$/i;

function toError(e: NonNullable<ThreadReply['error']>): Error {
  if (e.name === 'NativeModuleError') return new NativeModuleError(SQLITE_MODULE, e.message);
  const err: StorageError = new Error(e.message);
  if (e.code !== undefined) err.code = e.code;
  if (e.errno !== undefined) err.errno = e.errno;
  return err;
}
