import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteThread } from '../../../../daemon/usage/sqliteThread';
import { useTempSqlite } from './sqliteTestDbs';

// The idle sleep's timers look at the injected clock when they fire; the tests move the clock and
// call sleepQuiet() (what the timer calls), so nothing here waits on wall-clock time.
describe('the SQLite thread asleep at idle', () => {
  const tmp = useTempSqlite('conduit-sqlite-sleep-');
  const openDb = tmp.openDb;
  let clock = 1_000_000;
  let sleeps: number[] = [];
  let wakes = 0;
  const QUIET = 60_000;

  beforeEach(() => {
    sleeps = [];
    wakes = 0;
    SqliteThread.setIdleSleep({
      quietMs: QUIET,
      now: () => clock,
      onSleep: ({ connections }) => sleeps.push(connections),
      onWake: () => wakes++,
    });
  });

  it('closes its connections after a quiet spell, then answers the next message as before', async () => {
    const ledger = await openDb('usage.db');
    const cache = await openDb('cache.db');
    await ledger.exec('PRAGMA synchronous = NORMAL');
    await ledger.exec('CREATE TABLE t (v INTEGER)');
    await cache.exec('CREATE TABLE c (k TEXT)');
    await ledger.transaction(() => ledger.run('INSERT INTO t (v) VALUES (?)', [1]));
    const awake = SqliteThread.awake();

    clock += QUIET - 1;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([]);
    clock += 1;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([2]);
    expect(SqliteThread.awake()).toBe(awake - 1);
    // The close checkpointed the WAL and removed it: everything is in the database file.
    expect(fs.existsSync(path.join(tmp.dir, 'usage.db-wal'))).toBe(false);

    // Two callers at once: both wait for the one wake, in order, and each connection is as it was.
    const [rows, sync, busy, joined] = await Promise.all([
      ledger.all<{ v: number }>('SELECT v FROM t'),
      ledger.get<{ synchronous: number }>('PRAGMA synchronous'),
      cache.get<{ timeout: number }>('PRAGMA busy_timeout'),
      cache.get<{ s: string }>("SELECT js_join(1, NULL, 'x') AS s"),
    ]);
    expect(rows).toEqual([{ v: 1 }]);
    expect(sync).toEqual({ synchronous: 1 });
    expect(busy).toEqual({ timeout: 5000 });
    expect(joined).toEqual({ s: '1,,x' });
    expect(wakes).toBe(1);
    expect(SqliteThread.awake()).toBe(awake);
    await ledger.transaction(() => ledger.run('INSERT INTO t (v) VALUES (?)', [2]));
    expect((await ledger.all<{ v: number }>('SELECT v FROM t ORDER BY v')).map((r) => r.v)).toEqual([1, 2]);
  });

  it('does not sleep in the middle of a transaction, nor while a message is in flight', async () => {
    const db = await openDb('tx.db');
    await db.exec('CREATE TABLE t (v INTEGER)');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async () => {
      await db.run('INSERT INTO t (v) VALUES (1)');
      await gate;
      await db.run('INSERT INTO t (v) VALUES (2)');
    });
    // The transaction holds no message in flight while it waits on `gate`: only its write unit says busy.
    await new Promise((r) => setImmediate(r));
    await db.get('SELECT 1');
    clock += QUIET;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([]);
    release();
    await tx;
    expect(await db.all('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    clock += QUIET;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1]);
  });

  it('a connection closed while its thread sleeps does not wake it', async () => {
    const a = await openDb('a.db');
    const b = await openDb('b.db');
    await a.exec('CREATE TABLE t (v)');
    clock += QUIET;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([2]);
    await a.close();
    expect(wakes).toBe(0);
    await expect(a.exec('SELECT 1')).rejects.toMatchObject({ code: 'SQLITE_MISUSE' });
    // The other one still wakes it on use, and the closed one is not opened again.
    expect(await b.get('SELECT 1 AS one')).toEqual({ one: 1 });
    expect(wakes).toBe(1);
  });

  it('a connection opened while its thread sleeps opens once, with the others opened again before it', async () => {
    const a = await openDb('first.db');
    await a.exec('CREATE TABLE t (v)');
    clock += QUIET;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1]);
    const b = await openDb('second.db');
    expect(b.threadId).toBe(a.threadId);
    await b.exec('CREATE TABLE u (v)');
    await a.run('INSERT INTO t (v) VALUES (1)');
    expect(await a.all('SELECT v FROM t')).toEqual([{ v: 1 }]);
    expect(wakes).toBe(1);
    // Both close cleanly, each once: the WAL of each is checkpointed and removed.
    await a.close();
    await b.close();
    tmp.forgetOpen();
    expect(fs.existsSync(path.join(tmp.dir, 'first.db-wal'))).toBe(false);
    expect(fs.existsSync(path.join(tmp.dir, 'second.db-wal'))).toBe(false);
  });

  it('woken after a long sleep, sleeps again after the shorter spell while the daemon is idle', async () => {
    const SOON = 1000;
    const db = await openDb('soon.db');
    await db.exec('CREATE TABLE t (v INTEGER)');
    clock += QUIET;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1]);
    SqliteThread.sleepSoonAfterWake(SOON);

    // A minute's timer wakes it after a long sleep: asleep again after SOON, not after QUIET.
    clock += QUIET;
    expect(await db.get('SELECT 1 AS one')).toEqual({ one: 1 });
    expect(wakes).toBe(1);
    clock += SOON - 1;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1]);
    clock += 1;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1, 1]);

    // Woken again a few seconds later (a panel's next question): it keeps the whole spell.
    clock += 5 * SOON;
    await db.run('INSERT INTO t (v) VALUES (1)');
    expect(wakes).toBe(2);
    clock += SOON;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1, 1]);
    clock += QUIET - SOON;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1, 1, 1]);

    // Switched off (a request came): after a long sleep too, the whole spell.
    SqliteThread.sleepSoonAfterWake(0);
    clock += QUIET;
    expect(await db.all('SELECT v FROM t')).toEqual([{ v: 1 }]);
    expect(wakes).toBe(3);
    clock += SOON;
    await SqliteThread.sleepQuiet();
    expect(sleeps).toEqual([1, 1, 1]);
  });
});
