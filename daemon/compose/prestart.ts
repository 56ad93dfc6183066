import { SqliteDb } from '../usage/sqlite';

/**
 * dist/chunks/prestart.mjs, which the entry (daemonEntry.ts) imports before the daemon's bundle:
 * the SQLite thread then boots on another core while this one compiles the bundle, instead of
 * after it. It opens no database: those open once this process owns the socket (main.ts). The
 * bundle shares this chunk's modules, so its first open finds the thread running.
 */
export function prestart(): void {
  try {
    SqliteDb.startThread();
  } catch {
    // The first open starts the thread again, and reports what stops it.
  }
}
