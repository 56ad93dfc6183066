import { describe, expect, it } from 'vitest';
import { useTempSqlite } from './sqliteTestDbs';

// The write generation (SqliteDb.writes) is what lets background work and the answers' memo
// (aggregateMemo.ts) skip SQLite: it must move whenever a read could see something new.
describe("a connection's write generation", () => {
  const tmp = useTempSqlite('conduit-sqlite-generation-');

  it('moves with rows changed, schema changes, rollbacks and failures; not with reads or an empty commit', async () => {
    const db = await tmp.openDb('gen.db');
    let seen = db.writes;
    const moved = () => {
      const now = db.writes;
      const m = now !== seen;
      seen = now;
      return m;
    };
    await db.exec('CREATE TABLE t (v INTEGER UNIQUE)');
    expect(moved()).toBe(true);
    await db.run('INSERT INTO t (v) VALUES (1)');
    expect(moved()).toBe(true);
    await db.run('DELETE FROM t WHERE v = 99');
    await db.all('SELECT v FROM t');
    await db.transaction(() => db.get('SELECT COUNT(*) AS n FROM t'));
    expect(moved()).toBe(false);
    // A row a read inside the transaction saw is gone after the rollback.
    await expect(
      db.transaction(async () => {
        await db.run('INSERT INTO t (v) VALUES (2)');
        moved();
        throw new Error('give up');
      }),
    ).rejects.toThrow('give up');
    expect(moved()).toBe(true);
    await expect(db.run('INSERT INTO t (v) VALUES (1)')).rejects.toThrow();
    expect(moved()).toBe(true);
  });
});
