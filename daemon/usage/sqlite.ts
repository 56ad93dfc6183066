import * as sqlite3 from 'sqlite3';

export type SqlValue = string | number | null;

/** An error from SQLite or the file system, with the code that says which. */
export interface StorageError extends Error {
  code?: string;
  errno?: number;
}

/**
 * A promise layer over one sqlite3 connection. sqlite3's callbacks run on the libuv pool, so
 * statements from two async callers could interleave inside one another's transaction; every
 * write therefore goes through `write()`, which runs one unit of work at a time, in order.
 * Reads are not queued: SQLite gives them a consistent view without our help.
 */
export class SqliteDb {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly statements = new Map<string, sqlite3.Statement>();

  private constructor(private readonly db: sqlite3.Database, readonly file: string) {}

  static open(file: string, opts: { readOnly?: boolean } = {}): Promise<SqliteDb> {
    const mode = opts.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => {
        if (err) reject(err);
        else resolve(new SqliteDb(db, file));
      });
      // Errors are reported through callbacks; an unhandled 'error' event must not crash the daemon.
      db.on('error', () => undefined);
    });
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

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes });
      });
    });
  }

  /**
   * run() for a statement that repeats (the ledger's INSERT): prepared once and kept, so each call
   * is one trip to SQLite's thread instead of three (prepare, run, finalize).
   */
  runPrepared(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    const st = statement;
    return new Promise((resolve, reject) => {
      st.run(params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes });
      });
    }).catch((err: unknown) => {
      // A statement that failed to prepare stays failed: the next call prepares afresh.
      if (this.statements.get(sql) === st) {
        this.statements.delete(sql);
        st.finalize();
      }
      throw err;
    }) as Promise<{ changes: number }>;
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get<T>(sql, params, (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
    });
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all<T>(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  /** Runs `work` after every earlier write has finished; one failing does not stop the next. */
  write<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
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
    // Kept statements are finalized first: SQLite will not close a connection with one open.
    return this.queue.then(() => {
      const statements = [...this.statements.values()];
      this.statements.clear();
      return Promise.all(statements.map((st) => new Promise<void>((resolve) => st.finalize(() => resolve()))));
    }).then(() => new Promise<void>((resolve, reject) => {
      this.db.close((err) => (err ? reject(err) : resolve()));
    }));
  }
}
