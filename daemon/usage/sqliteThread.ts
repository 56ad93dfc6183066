import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SQLITE_WORKER_SOURCE } from './sqliteWorkerSource';

export interface ThreadReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { message: string; code?: string; errno?: number; name?: string };
}
/** What a trim gave back on one thread: its V8 heap (total and used) before and after, in bytes. */
export interface ThreadTrim {
  gc: boolean;
  heapBefore: number;
  heapAfter: number;
  usedBefore: number;
  usedAfter: number;
}
type Pending = { resolve: (reply: ThreadReply) => void; reject: (e: Error) => void };

/** What a connection tells its thread so the thread can close it at idle and open it again on the next use. */
export interface ConnectionHooks {
  /** The messages that open the connection again as it was (open, then its per-connection pragmas). */
  reopen: () => Record<string, unknown>[];
  /** False while a unit of work (a transaction) is under way between messages. */
  idle: () => boolean;
  /** Opening it again failed: the connection is unusable from now on. */
  failed: (err: Error) => void;
}

/** When a thread may sleep: after `quietMs` with no message (0: never), by the clock `now`. */
export interface IdleSleep {
  quietMs: number;
  now?: () => number;
  /** Told when a thread went to sleep (its connections closed, its isolate ended) or woke. */
  onSleep?: (info: { threadId: number; connections: number }) => void;
  onWake?: (info: { connections: number }) => void;
}

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
 *
 * When the process sets an idle sleep (the daemon does), a thread that has had no message for
 * that long closes its connections (a clean close: the last connection to a WAL database
 * checkpoints it) and ends its isolate; the next message starts a new one and opens them again
 * first. Messages that arrive meanwhile wait, and keep their order.
 */
export class SqliteThread {
  private static readonly threads: SqliteThread[] = [];
  private static sleep: IdleSleep = { quietMs: 0 };
  /** The shorter spell after a wake from a long sleep while the daemon is idle (0: none). */
  private static soonMs = 0;

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly files = new Map<number, string>();
  private readonly hooks = new Map<number, ConnectionHooks>();
  private dead: Error | null = null;
  private readonly listeners = new Set<(err: Error) => void>();
  private worker: Worker | null = null;
  private lastThreadId = -1;
  /** Set while the thread goes to sleep or wakes: messages posted meanwhile wait here, in order. */
  private held: Array<() => void> | null = null;
  private lastUse = 0;
  /** The connections closed when the thread went to sleep: only these open again when it wakes. */
  private closedAsleep = new Set<number>();
  private sleepTimer: NodeJS.Timeout | undefined;
  private sleptAt = -Infinity;
  /** This awake spell began with a wake from a sleep of at least the idle sleep's quiet period. */
  private wokeFromLongSleep = false;

  private constructor(
    private readonly workerData: { driver: string; requireFrom: string },
    readonly driver: string,
  ) {
    this.startWorker();
  }

  /** A live thread for `driver` that does not yet hold `file`, started when there is none. */
  static forFile(file: string, driver: string, requireFrom: string): SqliteThread {
    const key = fileKey(file);
    const found = SqliteThread.threads.find(
      (t) => t.driver === driver && !t.dead && ![...t.files.values()].includes(key),
    );
    if (found) return found;
    const thread = new SqliteThread({ driver, requireFrom }, driver);
    SqliteThread.threads.push(thread);
    return thread;
  }

  /** How many SQLite threads this process runs now (the bench and the tests read it). */
  static count(): number {
    return SqliteThread.threads.length;
  }

  /** How many of them have a live isolate (not asleep). */
  static awake(): number {
    return SqliteThread.threads.filter((t) => t.worker !== null).length;
  }

  /** Lets idle threads sleep after `quietMs` without a message (the daemon; 0 turns it off). */
  static setIdleSleep(sleep: IdleSleep): void {
    SqliteThread.sleep = sleep;
    for (const t of SqliteThread.threads) {
      t.lastUse = t.now();
      t.armSleep();
    }
  }

  /**
   * While the daemon is idle (its trim has run and no chat request came since: idleTrim.ts), its
   * own timers still wake the thread: the minute's maintenance round and the alert monitor's
   * evaluation. Each wake costs a new isolate and its connections, resident for the whole quiet
   * spell (about 10 MB for 20 s of every minute). With `ms` > 0, a thread woken after a sleep of
   * at least the quiet period sleeps again after `ms` without a message; a thread woken sooner
   * than that (a panel's questions a few seconds apart) keeps the whole spell, so a burst of use
   * pays one extra wake at most. 0 turns it off.
   */
  static sleepSoonAfterWake(ms: number): void {
    if (SqliteThread.soonMs === ms) return;
    SqliteThread.soonMs = ms;
    for (const t of SqliteThread.threads) {
      clearTimeout(t.sleepTimer);
      t.sleepTimer = undefined;
      t.armSleep();
    }
  }

  /** Puts every thread that has been quiet for the idle sleep's period to sleep now, as its timer would. */
  static async sleepQuiet(): Promise<void> {
    await Promise.all(SqliteThread.threads.map((t) => t.sleepIfQuiet()));
  }

  /**
   * Gives back what work left on every awake thread (its connections' spare page cache, its
   * isolate's garbage): an export calls it before its own workers start, so they do not come on
   * top of the questions asked before. A thread asleep or going to sleep is skipped: nothing to give.
   */
  static async trimAll(): Promise<ThreadTrim[]> {
    const replies = await Promise.all(SqliteThread.threads.map((t) => t.trim()));
    return replies.filter((r): r is ThreadTrim => r !== undefined);
  }

  private async trim(): Promise<ThreadTrim | undefined> {
    if (!this.worker || this.held || this.dead) return undefined;
    const reply = await this.send(0, { op: 'trim' }).catch(() => undefined);
    return reply?.ok ? (reply.value as ThreadTrim) : undefined;
  }

  /** The worker's thread id, so callers can tell whether two connections share a thread. */
  get threadId(): number {
    return this.worker?.threadId ?? this.lastThreadId;
  }

  /** Reserves a connection number for `file`; the connection itself opens with an `open` message. */
  attach(file: string): number {
    const conn = this.nextId++;
    this.files.set(conn, fileKey(file));
    return conn;
  }

  /** How the thread closes `conn` at idle and opens it again; a connection without hooks is closed for good. */
  hook(conn: number, hooks: ConnectionHooks): void {
    if (this.files.has(conn)) this.hooks.set(conn, hooks);
  }

  /** Forgets a connection; the thread ends with its last one, so nothing lingers after the last close. */
  async detach(conn: number): Promise<void> {
    this.files.delete(conn);
    this.hooks.delete(conn);
    if (this.files.size > 0) return;
    this.retire();
    clearTimeout(this.sleepTimer);
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  /** Called with the error when the thread dies: every connection on it is then unusable. */
  onDeath(listener: (err: Error) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  post(conn: number, message: Record<string, unknown>): Promise<ThreadReply> {
    if (this.dead) return Promise.reject(this.dead);
    this.lastUse = this.now();
    if (this.held) {
      const held = this.held;
      return new Promise((resolve, reject) => {
        held.push(() => void this.post(conn, message).then(resolve, reject));
      });
    }
    if (!this.worker) {
      // A connection closed while asleep is closed already: no need to wake for it.
      if (message.op === 'close' && this.closedAsleep.delete(conn)) return Promise.resolve({ id: 0, ok: true });
      this.wake();
      return this.post(conn, message);
    }
    return this.send(conn, message);
  }

  private send(conn: number, message: Record<string, unknown>): Promise<ThreadReply> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the SQLite thread is asleep'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id, conn });
    });
  }

  private startWorker(): void {
    // A small young generation: an export's page makes thousands of short-lived strings on this
    // thread, and V8 would otherwise grow the nursery to tens of MB of RSS that stay.
    const worker = new Worker(SQLITE_WORKER_SOURCE, {
      eval: true,
      workerData: this.workerData,
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // An idle thread must not keep a process alive (the CLI, tests); one with work in flight does.
    worker.unref();
    worker.on('message', (reply: ThreadReply) => this.settle(reply));
    // A worker ended on purpose (asleep, detached) is no longer this.worker: its exit is no failure.
    worker.on('error', (err) => worker === this.worker && this.fail(err));
    worker.on(
      'exit',
      (code) => worker === this.worker && this.fail(new Error(`the SQLite thread exited (code ${code})`)),
    );
    this.worker = worker;
    this.lastThreadId = worker.threadId;
    this.lastUse = this.now();
    this.armSleep();
  }

  private now(): number {
    return (SqliteThread.sleep.now ?? Date.now)();
  }

  /** How long without a message before this thread sleeps (0: never). */
  private quietMs(): number {
    const { quietMs } = SqliteThread.sleep;
    const soon = SqliteThread.soonMs;
    return quietMs > 0 && soon > 0 && this.wokeFromLongSleep ? Math.min(quietMs, soon) : quietMs;
  }

  /** One timer per quiet period at most, whatever the traffic: it looks at the last use when it fires. */
  private armSleep(): void {
    const quietMs = this.quietMs();
    if (quietMs <= 0 || !this.worker || this.sleepTimer) return;
    const wait = Math.max(0, this.lastUse + quietMs - this.now());
    this.sleepTimer = setTimeout(() => {
      this.sleepTimer = undefined;
      void this.sleepIfQuiet();
    }, wait);
    this.sleepTimer.unref();
  }

  private async sleepIfQuiet(): Promise<void> {
    const quietMs = this.quietMs();
    if (quietMs <= 0 || !this.worker || this.dead) return;
    if (this.held) {
      this.lastUse = this.now();
      this.armSleep();
      return;
    }
    const quiet = this.now() - this.lastUse >= quietMs;
    const busy = this.pending.size > 0 || [...this.hooks.values()].some((h) => !h.idle());
    if (!quiet || busy || this.files.size === 0) {
      if (quiet) this.lastUse = this.now();
      this.armSleep();
      return;
    }
    const held: Array<() => void> = [];
    this.held = held;
    const connections = this.files.size;
    this.closedAsleep = new Set(this.files.keys());
    // Each close finalizes the connection's statements; the last one on a WAL file checkpoints it.
    await Promise.allSettled([...this.files.keys()].map((conn) => this.send(conn, { op: 'close' })));
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
    this.held = null;
    this.sleptAt = this.now();
    SqliteThread.sleep.onSleep?.({ threadId: this.lastThreadId, connections });
    for (const post of held) post();
  }

  private wake(): void {
    const held: Array<() => void> = [];
    this.held = held;
    this.wokeFromLongSleep = this.now() - this.sleptAt >= SqliteThread.sleep.quietMs;
    this.startWorker();
    // A connection attached while asleep opens with its own `open` message, after these.
    const asleep = [...this.closedAsleep].filter((conn) => this.files.has(conn));
    this.closedAsleep.clear();
    const opens = asleep.map(async (conn) => {
      const hooks = this.hooks.get(conn);
      for (const message of hooks?.reopen() ?? []) {
        const reply = await this.send(conn, message).catch((err: Error) => ({
          id: 0,
          ok: false,
          error: { message: err.message },
        }));
        if (!reply.ok) {
          hooks?.failed(new Error(reply.error?.message ?? 'could not open the database again'));
          return;
        }
      }
    });
    void Promise.all(opens).then(() => {
      this.held = null;
      SqliteThread.sleep.onWake?.({ connections: this.files.size });
      for (const post of held) post();
    });
  }

  private settle(reply: ThreadReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    p.resolve(reply);
  }

  private fail(err: Error): void {
    this.retire();
    clearTimeout(this.sleepTimer);
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
