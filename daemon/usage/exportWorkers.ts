import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { csvPageSql, csvPageWhere, LINE, PAGE, type CsvPageParams } from './csvExportPage';
import { EXPORT_WORKER_SOURCE } from './exportWorkerSource';
import { SELECT_COLUMNS, toUsageRow, type DbRow } from './ledgerRow';
import { ROW_BYTES_SQL } from './sampleBytes';
import { sqliteDriver, type SqlValue, type StorageError } from './sqlite';
import { workersOwnYoungGeneration } from './workerHeaps';
import { csvLine, rowCsvCells } from './usageCsv';

type WorkerMessage =
  | { type: 'rows'; rows: DbRow[] }
  | { type: 'done'; rows: number; heapLimit: number; longestText: number; heapUsedMax: number; collections: number }
  | { type: 'error'; error: { message: string; code?: string } };

export interface ExportWorkersParams extends Omit<CsvPageParams, 'limit' | 'after'> {
  /** The ledger's file; the workers open read connections of their own on it. */
  db: string;
  /** Where the pages go, written at the file's current position in page order. */
  fd: number;
  /** The id range to export, (first, last]: fixed up front, so later rows are not in it. */
  first: number;
  last: number;
  /** Ids a page spans (so rows a page, at most); exportPageWidth() gives the usual one. */
  width: number;
  workers?: number;
  /** With samples: the most row text a piece of a page holds (PIECE_BYTES unless a test says). */
  pieceBytes?: number;
  /** A full GC in each worker after this many characters written (GC_CHARS unless a test says; 0: never). */
  gcChars?: number;
  /** Told once the export has ended well: what its memory came to (the bench and the tests read it). */
  observe?: (stats: ExportWorkerStats) => void;
}

/** How much an export held, so its bound can be checked without a clock. */
export interface ExportWorkerStats {
  /** The most pages built and not yet written at any moment, over all workers: at most one a worker. */
  pagesHeldMax: number;
  /** Each worker's V8 heap limit in bytes: its resourceLimits, unless a process flag overrode them. */
  heapLimits: number[];
  /** The most characters of CSV a worker held at once: with samples, about PIECE_BYTES at the most. */
  longestText: number;
  /** Each worker's V8 heap in use, at the most, measured after each full GC it ran (GC_CHARS). */
  heapUsedMax: number[];
  /** The full GCs each worker ran (one per GC_CHARS of CSV written). */
  collections: number[];
}

/**
 * With samples, a page is built in pieces of at most this much row text (bytes as stored, one row
 * at the least): a sample can be 100,000 characters (sampling.maxChars), so a page of 500 such
 * rows was 100 million characters in one string, copied again to be printed (an export of 1,500
 * such rows raised RSS by 1.1 GB). Small pieces also keep most strings under V8's large-object
 * size (128 KB), which only a full GC frees: pieces of 256 KB took four times as long as 64 KB.
 */
export const PIECE_BYTES = 64 * 1024;

/**
 * A worker runs a full GC of its own isolate after each this many characters of CSV it wrote.
 * Left to V8, a worker's old generation grew towards its 16 MB limit between collections, the
 * page strings' garbage with it: an export on its own raised the daemon's RSS by 23-27 MB, and
 * 14-15 MB with this (2026-12-07, bench/usageExportBench.ts). A full GC of a heap holding
 * little but the worker's code takes a few ms, against the ~8,000 rows (tens of ms) it follows.
 */
export const GC_CHARS = 2 * 1024 * 1024;

/**
 * How many threads build an export: the page building is what an export waits on, and each
 * worker's pages are built on their own core. Never more than two, however many cores: each
 * worker is an isolate with a heap and a page of its own, about 17 MB of the daemon's RSS at the
 * most (bench/usageExportBench.ts: two gave +34 MB), so a third would break the bound of 50 MB
 * over idle that an export must keep; two already make the page SQL the limit, not the disk.
 */
export function exportWorkerCount(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/**
 * Ids a worker's page spans. A page of 256 rows is about 64 KB of text, under V8's large-object
 * size (128 KB): its string is born in the worker's young generation and dies there, where pages
 * of 2,000 ids (500 KB) went to the large-object space and stayed until a full GC (with GC_CHARS,
 * an export alone raised the daemon's RSS by 14-15 MB at 256 against 21-22 MB at 2,000; at 128
 * no less, with twice the hand-offs). Rows with samples are cut into pieces by size (PIECE_BYTES).
 */
export function exportPageWidth(includeSamples: boolean): number {
  return includeSamples ? 500 : 256;
}

/**
 * The CSV export's pages built and written by worker threads of their own (exportWorkerSource.ts),
 * each on its own read connection (WAL readers neither block the ledger's writer nor wait for
 * the shared SQLite thread), page j by worker j % W, written in page order through a shared
 * turn counter. At most one built page per worker waits for its turn, so memory stays bounded
 * at any ledger size. Lines that need quoting or an apostrophe come to this thread as rows and
 * are printed by the reference (csvLine(rowCsvCells())), so the file is byte for byte the CSV the
 * CLI writes from rows. Resolves with the rows written once every worker has said it wrote its
 * pages (each then ends on its own, its isolate closed after); rejects once they are all gone.
 */
export function writeCsvWithWorkers(p: ExportWorkersParams): Promise<number> {
  const count = Math.max(1, p.workers ?? exportWorkerCount());
  const { parts, params } = csvPageWhere(p);
  const sql = csvPageSql([...parts, 'id > ?', 'id <= ?'], p.includeSamples, 'ORDER BY id');
  const columns = ['id', ...SELECT_COLUMNS, ...(p.includeSamples ? ['sample_prompt', 'sample_response'] : [])];
  const rowsSql = `SELECT ${columns.join(', ')} FROM requests WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`;
  // The row text a page's ids hold, an upper bound of what the filters keep (samples only).
  const sizeSql = p.includeSamples
    ? `SELECT id, ${ROW_BYTES_SQL} AS bytes FROM requests WHERE id > ? AND id <= ? ORDER BY id`
    : null;
  const turn = new SharedArrayBuffer(16);
  const heapLimits: number[] = [];
  const heapUsedMax: number[] = [];
  const collections: number[] = [];
  let longestText = 0;
  const restore = workersOwnYoungGeneration();
  return new Promise<number>((resolve, reject) => {
    let rows = 0;
    let running = count;
    // Once every worker's isolate exists (online, or gone), the flag goes back for later isolates.
    let starting = count;
    const started = (): void => {
      if (--starting === 0) restore();
    };
    let failure: Error | null = null;
    let finished = false;
    const finish = (): void => {
      finished = true;
      p.observe?.({
        pagesHeldMax: Atomics.load(new Int32Array(turn), 3),
        heapLimits,
        longestText,
        heapUsedMax,
        collections,
      });
      resolve(rows);
    };
    const done = new Set<Worker>();
    const fail = (err: Error): void => {
      failure ??= err;
      // Abandoned: a worker waiting for its turn sees this and stops; each ends on its own.
      const flags = new Int32Array(turn);
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 0);
    };
    for (let index = 0; index < count; index++) {
      const worker = new Worker(EXPORT_WORKER_SOURCE, {
        eval: true,
        workerData: {
          ...sqliteDriver(),
          db: p.db,
          fd: p.fd,
          sql,
          params: params satisfies SqlValue[],
          rowsSql,
          sizeSql,
          pieceBytes: p.pieceBytes ?? PIECE_BYTES,
          gcChars: p.gcChars ?? GC_CHARS,
          page: PAGE.source,
          line: LINE.source,
          first: p.first,
          last: p.last,
          width: p.width,
          index,
          workers: count,
          turn,
        },
        // Small heaps: a page makes thousands of short-lived strings, and V8 would otherwise grow
        // the nursery and the old generation to tens of MB a worker (bench/usageExportBench.ts:
        // two workers with the defaults raised the daemon's RSS by twice the 50 MB goal). With
        // samples a page is built in pieces (PIECE_BYTES), but one row can still hold 200,000
        // characters, whose printing copies it a few times: no cap there.
        // Not below 16 MB: 8 saved about 7 MB of RSS for two workers, but a page whose every line
        // needs JavaScript then ran out of heap inside the SQLite binding, whose C++ exception ends
        // the whole process (exportWorkersHeap.test.ts crashes its runner at 8 MB).
        resourceLimits: p.includeSamples
          ? { maxYoungGenerationSizeMb: 1 }
          : { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
      });
      let online = false;
      worker.once('online', () => {
        online = true;
        started();
      });
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'rows') {
          worker.postMessage({ lines: m.rows.map((r) => csvLine(rowCsvCells(toUsageRow(r))).slice(0, -1)) });
        } else if (m.type === 'error') {
          const err: StorageError = new Error(m.error.message);
          if (m.error.code !== undefined) err.code = m.error.code;
          fail(err);
        } else {
          rows += m.rows;
          heapLimits.push(m.heapLimit);
          heapUsedMax.push(m.heapUsedMax);
          collections.push(m.collections);
          longestText = Math.max(longestText, m.longestText);
          done.add(worker);
          // Every page is written: the export is done, and the workers end on their own meanwhile
          // (closing an isolate took 70-110 ms of an export of 300,000 rows on a loaded machine).
          if (done.size === count && !failure) finish();
        }
      });
      worker.on('error', (err) => {
        // Not the file's fault: say so, or the caller would report it as a write that failed.
        if ((err as StorageError).code !== 'ERR_WORKER_OUT_OF_MEMORY') return fail(err);
        fail(
          new Error(
            `the export ran out of memory on a page of ${p.width} rows (${err.message}); ` +
              'export a shorter time range (--since, --until) and report the problem.',
          ),
        );
      });
      worker.on('exit', (code) => {
        if (!online) started();
        if (!done.has(worker)) fail(new Error(`an export worker stopped (code ${code})`));
        if (--running > 0 || finished) return;
        if (failure) return reject(failure);
        finish();
      });
    }
  });
}
