import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SQLITE_WORKER_SOURCE } from './sqliteWorkerSource';

export interface ThreadReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { message: string; code?: string; errno?: number; name?: string };
}
type Pending = { resolve: (reply: ThreadReply) => void; reject: (e: Error) => void };

/**
 * One worker thread that holds several SQLite connections. A worker is a whole V8 isolate
 * (about 8 MB resident even when idle), and the daemon keeps four databases open (ledger, cache,
 * queue, batch jobs), so one thread per connection cost a third of the idle daemon's memory.
 * Messages are answered one at a time, in order, across all the connections on the thread; none
 * of them is on a reply's path except through the ledger's journal fallback.
 *
 * A file is never opened twice on one thread: with a busy timeout, a second connection waiting
 * for the first one's write lock would sleep on the very thread the first needs to finish its
 * transaction. `forFile` gives such a connection a thread of its own.
 */
export class SqliteThread {
  private static readonly threads: SqliteThread[] = [];

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly files = new Map<number, string>();
  private dead: Error | null = null;
  private readonly listeners = new Set<(err: Error) => void>();

  private constructor(
    private readonly worker: Worker,
    readonly driver: string,
  ) {
    // An idle thread must not keep a process alive (the CLI, tests); one with work in flight does.
    worker.unref();
    worker.on('message', (reply: ThreadReply) => this.settle(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the SQLite thread exited (code ${code})`)));
  }

  /** A live thread for `driver` that does not yet hold `file`, started when there is none. */
  static forFile(file: string, driver: string, requireFrom: string): SqliteThread {
    const key = fileKey(file);
    const found = SqliteThread.threads.find(
      (t) => t.driver === driver && !t.dead && ![...t.files.values()].includes(key),
    );
    if (found) return found;
    // A small young generation: an export's page makes thousands of short-lived strings on this
    // thread, and V8 would otherwise grow the nursery to tens of MB of RSS that stay.
    const worker = new Worker(SQLITE_WORKER_SOURCE, {
      eval: true,
      workerData: { driver, requireFrom },
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    const thread = new SqliteThread(worker, driver);
    SqliteThread.threads.push(thread);
    return thread;
  }

  /** How many SQLite threads this process runs now (the bench and the tests read it). */
  static count(): number {
    return SqliteThread.threads.length;
  }

  /** The worker's thread id, so callers can tell whether two connections share a thread. */
  get threadId(): number {
    return this.worker.threadId;
  }

  /** Reserves a connection number for `file`; the connection itself opens with an `open` message. */
  attach(file: string): number {
    const conn = this.nextId++;
    this.files.set(conn, fileKey(file));
    return conn;
  }

  /** Forgets a connection; the thread ends with its last one, so nothing lingers after the last close. */
  async detach(conn: number): Promise<void> {
    this.files.delete(conn);
    if (this.files.size > 0) return;
    this.retire();
    await this.worker.terminate();
  }

  /** Called with the error when the thread dies: every connection on it is then unusable. */
  onDeath(listener: (err: Error) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  post(conn: number, message: Record<string, unknown>): Promise<ThreadReply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id, conn });
    });
  }

  private settle(reply: ThreadReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    p.resolve(reply);
  }

  private fail(err: Error): void {
    this.retire();
    if (this.files.size === 0 && this.pending.size === 0) return;
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
    for (const listener of this.listeners) listener(this.dead);
  }

  /** No new connection goes to this thread. */
  private retire(): void {
    const at = SqliteThread.threads.indexOf(this);
    if (at >= 0) SqliteThread.threads.splice(at, 1);
  }
}

let anonymous = 0;

function fileKey(file: string): string {
  // An in-memory or temporary database is private to its connection: nothing to wait for.
  if (file === '' || file === ':memory:') return `:anonymous:${anonymous++}`;
  const resolved = path.resolve(file);
  // Case-insensitive file systems are the default on Windows and macOS: one file, two spellings.
  return process.platform === 'win32' || process.platform === 'darwin' ? resolved.toLowerCase() : resolved;
}
