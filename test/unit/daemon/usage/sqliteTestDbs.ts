import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { SqliteThread } from '../../../../daemon/usage/sqliteThread';

export interface TempSqlite {
  /** The current test's folder. */
  readonly dir: string;
  /** Opens a durable database in it, closed after the test. */
  openDb(name: string): Promise<SqliteDb>;
  /** The test closed its databases itself: each must close once, so the cleanup leaves them alone. */
  forgetOpen(): void;
}

/**
 * Databases on the shared SQLite thread in a temporary folder per test. After each test they are
 * closed, the thread's idle sleep and its sooner sleep after a wake are switched off again (tests set them), and the folder is removed.
 */
export function useTempSqlite(prefix: string): TempSqlite {
  let dir = '';
  const open: SqliteDb[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close().catch(() => undefined);
    SqliteThread.setIdleSleep({ quietMs: 0 });
    SqliteThread.sleepSoonAfterWake(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    async openDb(name: string) {
      const db = await SqliteDb.openDurable(path.join(dir, name));
      open.push(db);
      return db;
    },
    forgetOpen() {
      open.splice(0);
    },
  };
}
