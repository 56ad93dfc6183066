import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareDatabaseFile, tightenDatabaseFiles } from '../home/safePath';
import { migrate } from './migrations';
import { SqliteDb } from './sqlite';
import { describeStorageFailure } from './storageFailure';

export class CorruptLedgerError extends Error {
  override name = 'CorruptLedgerError';
  readonly code = 'SQLITE_CORRUPT';
}

export interface OpenedLedgerDb {
  db: SqliteDb;
  /** Where a damaged database was moved, when one was. */
  movedAside: string | null;
}

export type LedgerLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/**
 * Opens (creating when needed) the ledger at `file`, checked and migrated. A damaged database
 * cannot be repaired in place without risking what is left, so it is moved aside for the user
 * (or support) to inspect, and a fresh one takes its place: losing history beats losing every
 * request from now on.
 */
export async function openLedgerDb(
  file: string,
  log: LedgerLog,
  now: () => number = Date.now,
): Promise<OpenedLedgerDb> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    return { db: await openChecked(file), movedAside: null };
  } catch (err) {
    if (describeStorageFailure(err, file).kind !== 'corrupt') throw err;
    const movedAside = moveAside(file, now());
    log(
      'error',
      `the usage ledger was damaged and has been moved aside; a new, empty ledger was created. The old file is kept at ${movedAside}.`,
      {
        file,
        movedAside,
        reason: err instanceof Error ? err.message : String(err),
      },
    );
    return { db: await openChecked(file), movedAside };
  }
}

async function openChecked(file: string): Promise<SqliteDb> {
  prepareDatabaseFile(file);
  const db = await SqliteDb.open(file);
  try {
    // Durability first: each commit is fsynced before record() resolves (docs/usage-and-alerts.md: nothing is lost).
    await db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;',
    );
    // quick_check reads every page but skips the index cross-checks, so startup stays fast.
    const rows = await db.all<{ quick_check: string }>('PRAGMA quick_check');
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length > 0 || rows.length === 0)
      throw new CorruptLedgerError(`quick_check failed: ${problems.slice(0, 3).join('; ')}`);
    await migrate(db);
    tightenDatabaseFiles(file);
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** Renames the database and its WAL together: a WAL left behind could be replayed into the new file. */
function moveAside(file: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 1; fs.existsSync(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
  fs.renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (!fs.existsSync(file + suffix)) continue;
    if (suffix === '-shm') fs.rmSync(file + suffix, { force: true });
    else fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}
