import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UsageExportFileParams, UsageExportFileResult } from '../../protocol/usage';
import { selectCsvPage } from './csvExportPage';
import { csvLine, ROW_CSV_HEADER } from './usageCsv';
import { MAX_EXPORT_PAGE, UsageParamsError } from './usageParams';
import type { UsageLedger } from './usageLedger';

/**
 * `usage/exportFile`: the CSV export written by the daemon, page by page as SQLite builds them.
 * The next page is read while this one is written, so at most two pages (about 1 MB each) are
 * held: constant memory at any ledger size. No row crosses IPC, which is what lets the export
 * reach hundreds of thousands of rows a second (bench/usageExportBench.ts). Written to
 * FILE.partial (0600: exports can hold prompt samples) and renamed at the end, so a failed
 * export never leaves half a file under FILE.
 */
export async function exportUsageFile(
  ledger: UsageLedger,
  params: UsageExportFileParams,
  now: number,
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
  let rows = 0;
  try {
    await ledger.settled();
    const db = ledger.reader();
    fs.writeSync(handle.fd, csvLine(ROW_CSV_HEADER));
    for (let current = await selectCsvPage(db, { ...page, after: 0 }); ;) {
      const next = current.next === null ? null : selectCsvPage(db, { ...page, after: current.next });
      // Awaited below; this only keeps a failure while this page is written from going unhandled.
      next?.catch(() => undefined);
      // Written at once: the async write's Buffer lingers until a GC, which V8 puts off until
      // some 64 MB of such memory pile up; writeSync frees its copy on return (a page into the
      // page cache takes about a millisecond).
      fs.writeSync(handle.fd, current.csv);
      rows += current.csvRows;
      if (next === null) break;
      current = await next;
    }
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

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
