import { describe, expect, it } from 'vitest';
import { SqliteThread } from '../../../../daemon/usage/sqliteThread';
import { useTempSqlite } from './sqliteTestDbs';

describe("the SQLite thread's trim", () => {
  const tmp = useTempSqlite('conduit-sqlite-trim-');
  const openDb = tmp.openDb;
  let clock = 1_000_000;
  const QUIET = 60_000;

  it("gives back the garbage a big answer left in the thread's heap, and the connection still answers", async () => {
    const db = await openDb('usage.db');
    await db.exec('CREATE TABLE t (v TEXT)');
    await db.run(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO t SELECT printf('%0200d', i) FROM n",
    );
    // A question's answer: 20,000 rows of 200 characters built as objects on the thread, then dropped.
    expect(await db.all('SELECT v FROM t')).toHaveLength(20_000);
    const trims = await SqliteThread.trimAll();
    const mine = trims.find((t) => t.usedBefore - t.usedAfter > 2 * 2 ** 20);
    expect(mine, JSON.stringify(trims)).toBeDefined();
    expect(mine!.gc).toBe(true);
    expect(mine!.usedAfter).toBeLessThan(mine!.usedBefore);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!.n).toBe(20_000);
  });

  // Run after the trim above set --expose-gc for the process: a thread started since has a global
  // gc, which the thread's script must not declare again (it failed to load when it did).
  it('does not wake a thread that is asleep', async () => {
    SqliteThread.setIdleSleep({ quietMs: QUIET, now: () => clock });
    const db = await openDb('usage.db');
    await db.exec('CREATE TABLE t (v INTEGER)');
    const awake = SqliteThread.awake();
    clock += QUIET;
    await SqliteThread.sleepQuiet();
    expect(SqliteThread.awake()).toBe(awake - 1);
    await SqliteThread.trimAll();
    expect(SqliteThread.awake()).toBe(awake - 1);
  });
});
