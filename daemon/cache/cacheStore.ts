import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatRequest, ProviderId, Usage } from '../../protocol';
import { prepareDatabaseFile, tightenDatabaseFiles } from '../home/safePath';
import { LruMap } from '../platform/lruMap';
import { addMissingColumns, type ColumnSpec } from '../usage/addedColumns';
import { SqliteDb } from '../usage/sqlite';
import type { CacheEntry } from './cacheEntry';

export const CACHE_FILE = 'cache.db';

/** A batch is cut for writing at this many entries, or after `flushMs`. */
const BATCH_ENTRIES = 500;

/**
 * Entries waiting for SQLite behind the batch being written. Only SQLite's pace emptied them, so a
 * stalled disk kept every answer (its prompt and text) in memory; past this the oldest entry
 * to write is dropped from the queue (it stays in the memory cache; a restart will miss it).
 * Deletions are kept while an entry to write can go: a dropped one would bring an entry back.
 */
export const MAX_PENDING_WRITES = 2000;

export type CacheLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

interface EntryRow {
  key: string;
  scope: string;
  feature: string;
  request: string;
  prompt: string;
  text: string;
  provider: string;
  model: string;
  stop_reason: string | null;
  /** Absent in a cache.db written before the column was added, until it is opened once. */
  stop_sequence?: string | null;
  usage: string;
  cost_usd: number | null;
  created_at: number;
  expires_at: number;
  hits: number;
  vector: string | null;
  embedder: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  key TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  feature TEXT NOT NULL,
  request TEXT NOT NULL,
  prompt TEXT NOT NULL,
  text TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  stop_reason TEXT,
  usage TEXT NOT NULL,
  cost_usd REAL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0,
  last_used INTEGER NOT NULL,
  vector TEXT,
  embedder TEXT,
  stop_sequence TEXT
);
CREATE INDEX IF NOT EXISTS entries_hits ON entries (hits);
`;

/**
 * cache.db: the cache's own SQLite file, apart from the ledger. Writes are write-behind: they
 * collect in memory and go to disk in one transaction every `flushMs`, so storing an answer never
 * delays its reply. Each flush is one transaction, so the file is always consistent; a crash
 * loses at most the entries of the last interval, which for a cache only costs a future miss.
 */
export class CacheStore {
  /** key → the entry to write, or null to delete it. */
  private pending = this.queue();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Entries in the batch being written; while one is, the next waits in `pending` (one batch at a time). */
  private writing = 0;
  private next: Promise<void> | undefined;
  private dropped = 0;

  private constructor(
    private readonly db: SqliteDb,
    private readonly flushMs: number,
    private readonly log: CacheLog,
  ) {}

  static async open(file: string, log: CacheLog, opts: { flushMs?: number } = {}): Promise<CacheStore> {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    let db: SqliteDb;
    try {
      db = await openChecked(file);
    } catch (err) {
      // A damaged cache holds nothing that cannot be fetched again: start afresh.
      log('warn', 'the cache database could not be opened; starting an empty one', {
        file,
        err: err instanceof Error ? err.message : String(err),
      });
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
      db = await openChecked(file);
    }
    return new CacheStore(db, opts.flushMs ?? 1000, log);
  }

  /** Entries still usable at `now` (fresh or within the stale window), least recently used first. */
  async load(now: number, staleMaxAgeMs: number, limit: number): Promise<CacheEntry[]> {
    const rows = await this.db.all<EntryRow>(
      'SELECT * FROM entries WHERE expires_at + ? > ? ORDER BY last_used DESC LIMIT ?',
      [staleMaxAgeMs, now, limit],
    );
    const entries: CacheEntry[] = [];
    for (const row of rows.reverse()) {
      const e = fromRow(row);
      if (e) entries.push(e);
    }
    // Rows past even the stale window are of no use to anyone.
    await this.db
      .write(() => this.db.run('DELETE FROM entries WHERE expires_at + ? <= ?', [staleMaxAgeMs, now]))
      .catch(() => undefined);
    return entries;
  }

  /** The requests answered most often, for warming after a restart. */
  async mostUsed(limit: number): Promise<{ request: ChatRequest; key: string; hits: number }[]> {
    const rows = await this.db.all<{ key: string; request: string; hits: number }>(
      'SELECT key, request, hits FROM entries WHERE hits > 0 ORDER BY hits DESC LIMIT ?',
      [limit],
    );
    return rows.map((r) => ({ key: r.key, request: JSON.parse(r.request) as ChatRequest, hits: r.hits }));
  }

  put(entry: CacheEntry): void {
    this.pending.set(entry.key, entry);
    this.schedule();
  }

  delete(key: string): void {
    this.pending.set(key, null);
    this.schedule();
  }

  /** Forgets everything, on disk too; resolves when the file is empty. */
  async clear(): Promise<void> {
    this.pending.clear();
    await this.flushing;
    await this.db.write(() => this.db.run('DELETE FROM entries'));
  }

  async count(): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM entries'))?.n ?? 0;
  }

  /** Entries to write or delete not yet committed: the batch being written and those waiting. */
  get entriesInFlight(): number {
    return this.writing + this.pending.size;
  }

  /** Writes whatever is pending now; resolves once it is committed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.size === 0) return this.flushing;
    if (this.writing > 0) {
      // One batch at a time: what arrives meanwhile is cut once this one is committed.
      this.next ??= this.flushing.then(() => {
        this.next = undefined;
        return this.flush();
      });
      return this.next;
    }
    const batch = this.pending;
    this.pending = this.queue();
    this.writing = batch.size;
    if (this.dropped > 0) {
      this.log('warn', 'cache entries not written: SQLite fell behind; they stay in memory only', {
        entries: this.dropped,
      });
      this.dropped = 0;
    }
    const done = this.flushing
      .then(() =>
        this.db.transaction(async () => {
          for (const [key, entry] of batch) {
            if (entry === null) await this.db.run('DELETE FROM entries WHERE key = ?', [key]);
            else await this.db.run(UPSERT, toRow(entry));
          }
        }),
      )
      .catch((err: unknown) => {
        this.log('warn', 'cache entries could not be written; they stay in memory only', {
          entries: batch.size,
          err: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(() => {
        this.writing = 0;
      });
    this.flushing = done;
    return done;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }

  private queue(): LruMap<string, CacheEntry | null> {
    return new LruMap(MAX_PENDING_WRITES, { keep: (e) => e === null, evicted: () => this.dropped++ });
  }

  private schedule(): void {
    if (this.pending.size >= BATCH_ENTRIES) {
      void this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }
}

const UPSERT = `INSERT INTO entries (key, scope, feature, request, prompt, text, provider, model, stop_reason, usage, cost_usd, created_at, expires_at, hits, last_used, vector, embedder, stop_sequence)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(key) DO UPDATE SET scope = excluded.scope, feature = excluded.feature, request = excluded.request, prompt = excluded.prompt,
  text = excluded.text, provider = excluded.provider, model = excluded.model, stop_reason = excluded.stop_reason, usage = excluded.usage,
  cost_usd = excluded.cost_usd, created_at = excluded.created_at, expires_at = excluded.expires_at, hits = excluded.hits,
  last_used = excluded.last_used, vector = excluded.vector, embedder = excluded.embedder, stop_sequence = excluded.stop_sequence`;

/** Columns added after the first release; an older cache.db gets them when it opens. */
const ADDED_COLUMNS: readonly ColumnSpec[] = [
  /** The stop sequence the answer ended at, when the provider named it. */
  { name: 'stop_sequence', type: 'TEXT' },
];

async function openChecked(file: string): Promise<SqliteDb> {
  prepareDatabaseFile(file);
  const db = await SqliteDb.open(file);
  try {
    // NORMAL, not FULL: a crash may drop the last commits but never corrupts the file, and a
    // lost cache entry only costs a miss.
    await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    const rows = await db.all<{ quick_check: string }>('PRAGMA quick_check');
    if (rows.some((r) => r.quick_check !== 'ok')) throw new Error('quick_check failed');
    await db.exec(SCHEMA);
    await addMissingColumns(db, 'entries', ADDED_COLUMNS);
    tightenDatabaseFiles(file);
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

function toRow(e: CacheEntry): (string | number | null)[] {
  return [
    e.key,
    e.scope,
    e.feature,
    JSON.stringify(e.request),
    e.prompt,
    e.text,
    e.provider,
    e.model,
    e.stopReason,
    JSON.stringify(e.usage),
    e.costUsd,
    e.createdAt,
    e.expiresAt,
    e.hits,
    Date.now(),
    e.vector ? Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength).toString('base64') : null,
    e.embedder ?? null,
    e.stopSequence ?? null,
  ];
}

function fromRow(r: EntryRow): CacheEntry | undefined {
  try {
    const entry: CacheEntry = {
      key: r.key,
      scope: r.scope,
      feature: r.feature,
      request: JSON.parse(r.request) as ChatRequest,
      prompt: r.prompt,
      text: r.text,
      provider: r.provider as ProviderId,
      model: r.model,
      stopReason: r.stop_reason,
      usage: JSON.parse(r.usage) as Usage,
      costUsd: r.cost_usd,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      hits: r.hits,
      ...(typeof r.stop_sequence === 'string' ? { stopSequence: r.stop_sequence } : {}),
    };
    if (r.vector && r.embedder) {
      const buf = Buffer.from(r.vector, 'base64');
      // Copied into its own buffer: a Float32Array needs 4-byte alignment.
      entry.vector = new Float32Array(new Uint8Array(buf).buffer);
      entry.embedder = r.embedder;
    }
    return entry;
  } catch {
    return undefined;
  }
}
