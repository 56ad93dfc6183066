import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UsageExportFileParams, UsageExportFileResult } from '../../protocol/usage';
import type { CsvPageParams } from './csvExportPage';
import { exportPageWidth, writeCsvWithWorkers } from './exportWorkers';
import { compactingGc } from '../compose/compactingGc';
import { collectGarbage, fullGc } from '../platform/fullGc';
import type { SqliteDb } from './sqlite';
import { SqliteThread } from './sqliteThread';
import { csvLine, ROW_CSV_HEADER } from './usageCsv';
import { MAX_EXPORT_PAGE, UsageParamsError } from './usageParams';
import type { UsageLedger } from './usageLedger';

/**
 * `usage/exportFile`: the CSV export written by the daemon, page by page as SQLite builds them,
 * on export worker threads of their own (exportWorkers.ts) that write the pages themselves: at
 * most one page (about 1 MB) a worker is held, constant memory at any ledger size, and no row
 * crosses IPC or even threads. `workers` overrides how many (the bench compares). Written to
 * FILE.partial (0600: exports can hold prompt samples) and renamed at the end, so a failed
 * export never leaves half a file under FILE.
 */
export async function exportUsageFile(
  ledger: UsageLedger,
  params: UsageExportFileParams,
  now: number,
  workers?: number,
  gc: () => void = collectGarbage,
  afterwards: () => void = () => setImmediate(compactGarbage),
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
    // collected while the workers start (an isolate each, the binding, the database), so the
    // export waits for neither; a GC is a few ms against seconds of export.
    const release = async (): Promise<void> => {
      gc();
      await SqliteThread.trimAll();
    };
    rows = await writeWithWorkers(db, ledger.file, handle.fd, page, workers, release);
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
  // After the answer is on its way: the client does not wait for it.
  afterwards();
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
  meanwhile: () => Promise<void>,
): Promise<number> {
  const ids = await db.get<{ first: number | null; last: number | null }>(
    'SELECT MIN(id) AS first, MAX(id) AS last FROM requests',
  );
  if (!ids || ids.first === null || ids.last === null) {
    await meanwhile();
    return 0;
  }
  // The workers are started by this call, before it returns; `meanwhile` runs while they boot.
  const written = writeCsvWithWorkers({
    ...page,
    db: file,
    fd,
    first: ids.first - 1,
    last: ids.last,
    width: exportPageWidth(page.includeSamples),
    ...(workers !== undefined ? { workers } : {}),
  });
  const [rows] = await Promise.all([written, meanwhile()]);
  return rows;
}

/**
 * The main isolate's full GC once an export has ended, its old space compacted: the plain one
 * before it left the pages the questions had grown resident (heapTotal 29-31 MB against 21 MB
 * idle, 12 MB of it in use), each mostly free. Not before the export: compacting copies the live
 * objects to new pages first, and on top of the workers starting that raised the export's peak
 * (RSS over idle +41 to +51 MB against +36 to +39 with the plain GC, three pairs, 2026-12-07).
 */
function compactGarbage(): void {
  const gc = fullGc();
  if (gc) compactingGc(gc);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
