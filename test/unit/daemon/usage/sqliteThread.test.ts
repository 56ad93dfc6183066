import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { SqliteThread } from '../../../../daemon/usage/sqliteThread';

describe('SQLite connections on a shared thread', () => {
  let dir: string;
  const open: SqliteDb[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-sqlite-thread-'));
  });

  afterEach(async () => {
    for (const db of open.splice(0)) await db.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function openDb(name: string, durable = false): Promise<SqliteDb> {
    const file = path.join(dir, name);
    const db = durable ? await SqliteDb.openDurable(file) : await SqliteDb.open(file);
    open.push(db);
    return db;
  }

  it('runs the daemon’s four databases on one thread, each with its own data and statements', async () => {
    const before = SqliteThread.count();
    const dbs = await Promise.all(['usage.db', 'cache.db', 'queue.db', 'batch.db'].map((n) => openDb(n, true)));
    expect(new Set(dbs.map((db) => db.threadId)).size).toBe(1);
    expect(SqliteThread.count()).toBe(before + 1);
    for (const [i, db] of dbs.entries()) {
      await db.exec('CREATE TABLE t (v INTEGER)');
      await db.transaction(() => db.run('INSERT INTO t (v) VALUES (?)', [i]));
    }
    // The same SQL text on every connection: each answers from its own file.
    for (const [i, db] of dbs.entries()) expect(await db.all('SELECT v FROM t')).toEqual([{ v: i }]);
    expect(await dbs[0]!.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
  });

  it('keeps the other connections working when one fails or closes, and ends the thread with the last', async () => {
    const before = SqliteThread.count();
    const a = await openDb('a.db');
    const b = await openDb('b.db');
    expect(a.threadId).toBe(b.threadId);
    await expect(a.exec('THIS IS NOT SQL')).rejects.toThrow(/SQLITE_ERROR/);
    await b.exec('CREATE TABLE t (v)');
    await a.close();
    await expect(a.exec('SELECT 1')).rejects.toMatchObject({ code: 'SQLITE_MISUSE' });
    expect(await b.get('SELECT count(*) AS n FROM t')).toEqual({ n: 0 });
    expect(SqliteThread.count()).toBe(before + 1);
    await b.close();
    expect(SqliteThread.count()).toBe(before);
    // A connection opened afterwards starts a new thread.
    const c = await openDb('c.db');
    expect(c.threadId).not.toBe(b.threadId);
  });

  it('opens a second connection to the same file on another thread, so waiting for its lock cannot deadlock', async () => {
    const first = await openDb('same.db', true);
    const second = await openDb('same.db', true);
    expect(second.threadId).not.toBe(first.threadId);
    await first.exec('CREATE TABLE t (v)');
    let waiting: Promise<unknown> = Promise.resolve();
    // `second` waits on the write lock (busy_timeout) while `first` holds it across messages. On one
    // thread that wait would block the very thread `first` needs to commit: SQLITE_BUSY after 5 s.
    await first.transaction(async () => {
      await first.run('INSERT INTO t (v) VALUES (1)');
      waiting = second.run('INSERT INTO t (v) VALUES (2)');
      await first.run('INSERT INTO t (v) VALUES (3)');
    });
    await waiting;
    expect((await first.all<{ v: number }>('SELECT v FROM t ORDER BY v')).map((r) => r.v)).toEqual([1, 2, 3]);
  });
});
