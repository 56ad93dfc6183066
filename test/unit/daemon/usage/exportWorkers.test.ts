import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageFilters } from '../../../../protocol/usage';
import * as v8 from 'node:v8';
import { selectCsvPage } from '../../../../daemon/usage/csvExportPage';
import { exportPageWidth, writeCsvWithWorkers, type ExportWorkerStats } from '../../../../daemon/usage/exportWorkers';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { generateLedger } from '../../../fixtures/usage/generateLedger';
import { selectPage } from '../../../../daemon/usage/ledgerQueries';
import { csvLine, ROW_CSV_HEADER, rowCsvCells } from '../../../../daemon/usage/usageCsv';
import { exportUsageFile } from '../../../../daemon/usage/usageExportFile';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { seededRandom } from '../../../fixtures/seededRandom';
import { makeRecord, tempDir } from './records';

const dir = tempDir('conduit-export-workers-');
const at = Date.UTC(2026, 5, 1);
let ledger: UsageLedger;

/** What the CLI writes from rows: the reference the workers' file must equal byte for byte. */
async function reference(includeSamples: boolean, filters?: UsageFilters, until = at + 1e9): Promise<string> {
  const { rows } = await selectPage(ledger.reader(), {
    since: 0,
    until,
    limit: 5000,
    after: 0,
    includeSamples,
    ...(filters ? { filters } : {}),
  });
  return rows.map((r) => csvLine(rowCsvCells(r))).join('');
}

async function ids(): Promise<{ first: number; last: number }> {
  const r = await ledger
    .reader()
    .get<{ first: number; last: number }>('SELECT MIN(id) AS first, MAX(id) AS last FROM requests');
  return r!;
}

async function viaWorkers(opts: {
  workers: number;
  width: number;
  includeSamples: boolean;
  filters?: UsageFilters;
  last?: number;
  pieceBytes?: number;
  gcChars?: number;
  observe?: (stats: ExportWorkerStats) => void;
}): Promise<{ text: string; rows: number }> {
  const file = path.join(dir, `w-${Math.random().toString(36).slice(2)}.csv`);
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    const range = await ids();
    const rows = await writeCsvWithWorkers({
      db: ledger.file,
      fd,
      since: 0,
      until: at + 1e9,
      includeSamples: opts.includeSamples,
      ...(opts.filters ? { filters: opts.filters } : {}),
      first: range.first - 1,
      last: opts.last ?? range.last,
      width: opts.width,
      workers: opts.workers,
      ...(opts.pieceBytes ? { pieceBytes: opts.pieceBytes } : {}),
      ...(opts.gcChars !== undefined ? { gcChars: opts.gcChars } : {}),
      ...(opts.observe ? { observe: opts.observe } : {}),
    });
    return { text: fs.readFileSync(file, 'utf8'), rows };
  } finally {
    fs.closeSync(fd);
  }
}

beforeAll(async () => {
  ledger = new UsageLedger({ file: path.join(dir, 'usage.db') });
  await ledger.open();
  const rand = seededRandom(4127);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chars = ['a', 'Z', '0', ' ', ',', '"', '\n', '\r', '\t', '=', '+', '-', '@', "'", 'é', '✓', '\u0001'];
  // Mostly plain rows, as a real ledger: whole pages go as SQLite built them, a few need JavaScript.
  const text = (): string =>
    rand() < 0.9
      ? pick(['ask', 'chat', 'gpt-5.4-mini', 'x'])
      : Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(chars)).join('');
  const real = (): number =>
    pick([() => rand() * 2000, () => rand() * 1e-5, () => Math.floor(rand() * 1000), () => rand() * 1e22, () => 0])();
  for (let i = 0; i < 240; i++) {
    await ledger.record(
      makeRecord({
        requestId: rand() < 0.95 ? `r${i}` : `${pick(['=', '"', ','])}r${i}`,
        startedAt: at + i * 977,
        feature: text(),
        model: rand() < 0.2 ? null : text(),
        costUsd: rand() < 0.2 ? null : real(),
        latencyMs: real(),
        ttftMs: rand() < 0.3 ? null : real(),
        fallbackPath: rand() < 0.9 ? [] : [text(), text()],
        costEstimated: rand() < 0.5,
        coalesced: rand() < 0.5,
        sample: rand() < 0.7 ? null : { prompt: text(), response: text() },
        ...(rand() < 0.1 ? { batchId: 'b' } : {}),
      }),
    );
  }
  await ledger.settled();
});

afterAll(async () => {
  await ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the CSV export on worker threads', () => {
  it('writes byte for byte the CSV the CLI writes from rows, in page order, with one to three workers', async () => {
    for (const includeSamples of [false, true]) {
      const expected = await reference(includeSamples);
      for (const workers of [1, 2, 3]) {
        const { text, rows } = await viaWorkers({ workers, width: 7, includeSamples });
        expect(rows, `${workers} worker(s)`).toBe(240);
        expect(text, `${workers} worker(s), samples ${includeSamples}`).toBe(expected);
      }
    }
  });

  it('builds a page with samples in pieces of bounded text, byte for byte and in order', async () => {
    const expected = await reference(true);
    const filters = { feature: 'ask' };
    const filtered = await reference(true, filters);
    for (const workers of [1, 2, 3]) {
      let stats: ExportWorkerStats | undefined;
      // Pages of 60 ids (the whole ledger in four) cut into pieces of about four rows each.
      const whole = await viaWorkers({
        workers,
        width: 60,
        includeSamples: true,
        pieceBytes: 1200,
        observe: (s) => (stats = s),
      });
      expect(whole.rows).toBe(240);
      expect(whole.text, `${workers} worker(s)`).toBe(expected);
      // A row here is under 500 characters: a piece holds what fits in 1,200 bytes plus one row.
      expect(stats!.longestText).toBeLessThan(2000);
      expect(expected.length / 4).toBeGreaterThan(10_000);
      const some = await viaWorkers({ workers, width: 60, includeSamples: true, pieceBytes: 1200, filters });
      expect(some.text, `${workers} worker(s), filtered`).toBe(filtered);
    }
  });

  it('holds at most one built page a worker, however far ahead the others are', async () => {
    // 240 pages of one id over three workers: a worker that built ahead of the writer's turn holds more.
    let stats: ExportWorkerStats | undefined;
    const { rows } = await viaWorkers({ workers: 3, width: 1, includeSamples: false, observe: (s) => (stats = s) });
    expect(rows).toBe(240);
    expect(stats!.pagesHeldMax).toBeGreaterThanOrEqual(1);
    expect(stats!.pagesHeldMax).toBeLessThanOrEqual(3);
  });

  it('runs a full GC in each worker after every gcChars characters written, and none when told 0', async () => {
    const expected = await reference(false);
    let stats: ExportWorkerStats | undefined;
    const some = await viaWorkers({
      workers: 2,
      width: 7,
      includeSamples: false,
      gcChars: 2000,
      observe: (s) => (stats = s),
    });
    expect(some.text).toBe(expected);
    // Each worker wrote about half the text: a GC after each 2,000 characters of it, at least.
    for (const n of stats!.collections) expect(n).toBeGreaterThanOrEqual(Math.floor(expected.length / 2 / 4000));
    for (const used of stats!.heapUsedMax) expect(used).toBeGreaterThan(0);
    await viaWorkers({ workers: 2, width: 7, includeSamples: false, gcChars: 0, observe: (s) => (stats = s) });
    expect(stats!.collections).toEqual([0, 0]);
  });

  it("pages of exportPageWidth() ids hold less than V8's large-object size of text", async () => {
    // A generated ledger's rows, as a year of real use: a page's string must be born in the young generation.
    const file = path.join(dir, 'generated.db');
    await generateLedger(file, { rows: 2 * exportPageWidth(false), days: 2, end: at, seed: 7 });
    const db = await SqliteDb.open(file, { readOnly: true });
    try {
      const page = await selectCsvPage(db, {
        since: 0,
        until: at + 1,
        limit: exportPageWidth(false),
        after: 0,
        includeSamples: false,
      });
      expect(page.csvRows).toBe(exportPageWidth(false));
      expect(page.csv.length).toBeLessThan(128 * 1024);
    } finally {
      await db.close();
    }
  });

  it("gives each worker the small heap it asks for, even under the daemon's --max-semi-space-size", async () => {
    // The daemon's flag (daemonRuntime.ts) would give each worker 4 MB semi-spaces: a 28 MB heap limit, not 19.
    v8.setFlagsFromString('--max-semi-space-size=4');
    try {
      let stats: ExportWorkerStats | undefined;
      await viaWorkers({ workers: 2, width: 50, includeSamples: false, observe: (s) => (stats = s) });
      expect(stats!.heapLimits).toHaveLength(2);
      for (const limit of stats!.heapLimits) expect(limit / 2 ** 20).toBeLessThan(22);
    } finally {
      v8.setFlagsFromString('--max-semi-space-size=0');
    }
  });

  it('keeps to the filters and to the id range fixed up front', async () => {
    const filters = { feature: 'ask' };
    const { text, rows } = await viaWorkers({ workers: 2, width: 11, includeSamples: false, filters });
    const expected = await reference(false, filters);
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(240);
    expect(text).toBe(expected);
    // Rows past `last` (recorded after the export began) are not in it.
    const { first } = await ids();
    const upTo = await viaWorkers({ workers: 2, width: 5, includeSamples: false, last: first + 99 });
    expect(upTo.rows).toBe(100);
    expect(upTo.text).toBe(await reference(false, undefined, at + 100 * 977));
  });

  it('is what usage/exportFile writes: header, rows, mode 0600, no .partial left', async () => {
    const file = path.join(dir, 'export.csv');
    // The main isolate's garbage from earlier questions is collected before the workers add theirs.
    const gcs: number[] = [];
    const result = await exportUsageFile(ledger, { file, since: 0, includeSamples: true }, at + 1e9, 2, () =>
      gcs.push(fs.existsSync(`${file}.partial`) ? fs.statSync(`${file}.partial`).size : -1),
    );
    expect(result.rows).toBe(240);
    expect(gcs).toEqual([csvLine(ROW_CSV_HEADER).length]);
    expect(fs.readFileSync(file, 'utf8')).toBe(csvLine(ROW_CSV_HEADER) + (await reference(true)));
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  });

  // /dev/full fails every write with ENOSPC: a full disk, on the systems that have it.
  it.skipIf(!fs.existsSync('/dev/full'))('a full disk: a clear error, and no file left behind', async () => {
    const file = path.join(dir, 'full.csv');
    fs.symlinkSync('/dev/full', `${file}.partial`);
    const err = await exportUsageFile(ledger, { file, since: 0 }, at + 1e9, 2).catch((e: unknown) => e as Error);
    expect(String((err as Error).message)).toMatch(/^cannot write .*full\.csv: .*ENOSPC/);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
    // A write that fails in a worker: the export stops with the error's code, the workers end.
    const fd = fs.openSync('/dev/full', 'w');
    try {
      const range = await ids();
      const failed = await writeCsvWithWorkers({
        db: ledger.file,
        fd,
        since: 0,
        until: at + 1e9,
        includeSamples: false,
        first: range.first - 1,
        last: range.last,
        width: 7,
        workers: 2,
      }).catch((e: unknown) => e as Error & { code?: string });
      expect((failed as { code?: string }).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
  });
});
