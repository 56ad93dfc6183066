import { Worker } from 'node:worker_threads';
import { NativeModuleError } from '../platform/nativeModule';
import { SQLITE_WORKER_SOURCE } from './sqliteWorkerSource';

export type SqlValue = string | number | null;

/** An error from SQLite or the file system, with the code that says which. */
export interface StorageError extends Error {
  code?: string;
  errno?: number;
}

/** The SQLite binding: a Node-API module with prebuilt binaries for every target, so nothing is compiled. */
export const SQLITE_MODULE = '@photostructure/sqlite';

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { message: string; code?: string; errno?: number; name?: string };
}
type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * Which module the SQLite thread loads. `CONDUIT_SQLITE_DRIVER=node:sqlite` runs the same code on
 * the runtime's built-in SQLite (Node 22.5+), for comparing the two (bench/sqliteBench.ts).
 */
function driver(): { driver: string; requireFrom: string } {
  const chosen = process.env.CONDUIT_SQLITE_DRIVER === 'node:sqlite' ? 'node:sqlite' : SQLITE_MODULE;
  return { driver: chosen, requireFrom: __filename };
}

/**
 * One SQLite connection on a thread of its own. The binding is synchronous (it has node:sqlite's
 * API), so each connection runs on a worker thread and the daemon's event loop only posts
 * messages: a slow query or an fsync inside a commit never holds up a reply. The thread answers
 * messages one at a time, in order; still, statements from two async callers could interleave
 * inside one another's transaction, so every write goes through `write()`, which runs one unit of
 * work at a time, in order. Reads are not queued: SQLite gives them a consistent view.
 */
export class SqliteDb {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly file: string,
  ) {
    // An idle connection must not keep a process alive (the CLI, tests); one with work in flight does.
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the SQLite thread for ${file} exited (code ${code})`)));
  }

  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<SqliteDb> {
    // A small young generation: an export's page makes thousands of short-lived strings on this
    // thread, and V8 would otherwise grow the nursery to tens of MB of RSS that stay.
    const worker = new Worker(SQLITE_WORKER_SOURCE, {
      eval: true,
      workerData: driver(),
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    const db = new SqliteDb(worker, file);
    try {
      await db.call({ op: 'open', file, readOnly: opts.readOnly === true });
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return db;
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
    return this.call({ op: 'run', sql, params }) as Promise<{ changes: number }>;
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
    return this.call({ op: 'exec', sql }) as Promise<void>;
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
    return this.queue
      .then(() => this.call({ op: 'close' }, true))
      .then(() => undefined)
      .finally(() => this.worker.terminate().then(() => undefined));
  }

  private call(message: Record<string, unknown>, closing = false): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closed && !closing)
      return Promise.reject(Object.assign(new Error('SQLITE_MISUSE: Database is closed'), { code: 'SQLITE_MISUSE' }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private settle(reply: Reply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(toError(reply.error!));
  }

  private fail(err: Error): void {
    if (this.closed && this.pending.size === 0) return;
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

function toError(e: NonNullable<Reply['error']>): Error {
  if (e.name === 'NativeModuleError') return new NativeModuleError(SQLITE_MODULE, e.message);
  const err: StorageError = new Error(e.message);
  if (e.code !== undefined) err.code = e.code;
  if (e.errno !== undefined) err.errno = e.errno;
  return err;
}
