import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UsageExportFileParams, UsageExportFileResult } from '../../protocol/usage';
import type { CsvPageParams } from './csvExportPage';
import { exportPageWidth, writeCsvWithWorkers } from './exportWorkers';
import { compactingGc } from '../platform/compactingGc';
import { fullGc } from '../platform/fullGc';
import type { SqliteDb } from './sqlite';
import { SqliteThread } from './sqliteThread';
import { csvLine, ROW_CSV_HEADER } from './usageCsv';
import { MAX_EXPORT_PAGE, UsageParamsError } from './usageParams';
import type { UsageLedger } from './usageLedger';

/**
 * `usage/exportFile`: the CSV export written by the daemon, page by page as SQLite builds them,
 * on export worker threads of their own (exportWorkers.ts) that write the pages themselves: at
 * most one page (about 64 KB) a worker is held, constant memory at any ledger size, and no row
 * crosses IPC or even threads. `workers` overrides how many (the bench compares). Written to
 * FILE.partial (0600: exports can hold prompt samples) and renamed at the end, so a failed
 * export never leaves half a file under FILE.
 */
export async function exportUsageFile(
  ledger: UsageLedger,
  params: UsageExportFileParams,
  now: number,
  workers?: number,
  gc: () => void = compactGarbage,
): Promise<UsageExportFileResult> {
  const file = params.file;
  // The daemon's working directory is not the client's: only a path the client resolved will do.
  if (!path.isAbsolute(file))
    throw new UsageParamsError(`invalid parameters: file: "${file}" is not an absolute path; resolve it first.`);
  const partial = `${file}.partial`;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(partial, 'w', 0o600);
  } catch (err) {
    throw new UsageParamsError(
      `cannot write ${partial}: ${reason(err)}; check that its folder exists and is writable.`,
    );
  }
  const page = {
    since: params.since,
    until: params.until ?? now + 1,
    ...(params.filters ? { filters: params.filters } : {}),
    limit: MAX_EXPORT_PAGE,
    includeSamples: params.includeSamples === true,
  };
  let rows: number;
  try {
    await ledger.settled();
    const db = ledger.reader();
    fs.writeSync(handle.fd, csvLine(ROW_CSV_HEADER));
    // The questions before an export (the panel's first paint, a year by month) leave garbage in
    // the main isolate that V8 keeps until its next full GC, about 10 MB, and more on the SQLite
    // thread: the export's workers would come on top of it (bench/usageScaleBench.ts). Both are
    // released first; tens of ms against seconds of export.
    gc();
    await SqliteThread.trimAll();
    rows = await writeWithWorkers(db, ledger.file, handle.fd, page, workers);
    await handle.sync();
    await handle.close();
    await fs.promises.rename(partial, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(partial, { force: true }).catch(() => undefined);
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && !err.code.startsWith('SQLITE'))
      throw new UsageParamsError(`cannot write ${file}: ${reason(err)}`);
    throw err;
  }
  return { file, rows };
}

/**
 * The export's id range is fixed here, before the workers start: rows are append-only, so a row
 * recorded during the export is not in it, and the pages can be split among the workers by id.
 */
async function writeWithWorkers(
  db: SqliteDb,
  file: string,
  fd: number,
  page: Omit<CsvPageParams, 'after'>,
  workers: number | undefined,
): Promise<number> {
  const ids = await db.get<{ first: number | null; last: number | null }>(
    'SELECT MIN(id) AS first, MAX(id) AS last FROM requests',
  );
  if (!ids || ids.first === null || ids.last === null) return 0;
  return writeCsvWithWorkers({
    ...page,
    db: file,
    fd,
    first: ids.first - 1,
    last: ids.last,
    width: exportPageWidth(page.includeSamples),
    ...(workers !== undefined ? { workers } : {}),
  });
}

/**
 * The main isolate's full GC before an export's workers start, its old space compacted: a plain
 * one left the pages the questions had grown resident (heapTotal 29-31 MB against 21 MB idle, 12
 * MB of it in use), each mostly free, and the daemon 25-29 MB over idle after the export. Before
 * the workers start, not beside them: compacting copies the live objects to new pages first, and
 * on top of the workers' start that raised the export's peak to +41-51 MB over idle (against
 * +32-37 MB this way; docs/usage-at-scale.md, 2026-12-07).
 */
function compactGarbage(): void {
  const gc = fullGc();
  if (gc) compactingGc(gc);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
