import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPageWidth, writeCsvWithWorkers } from '../../../../daemon/usage/exportWorkers';
import { selectPage } from '../../../../daemon/usage/ledgerQueries';
import { csvLine, rowCsvCells } from '../../../../daemon/usage/usageCsv';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { makeRecord, tempDir } from './records';

const dir = tempDir('conduit-export-heap-');
const at = Date.UTC(2026, 5, 1);
const width = exportPageWidth(false);
let ledger: UsageLedger;

beforeAll(async () => {
  ledger = new UsageLedger({ file: path.join(dir, 'usage.db') });
  await ledger.open();
  // A whole page of the worst lines: every one needs quoting, so the worker splits the page, reads
  // every row again and joins the lines the main thread printed, all within its small heap. With an
  // old generation of 8 MB instead of 16 this runs out inside the SQLite binding and aborts the process.
  const long = 'x'.repeat(300);
  for (let i = 0; i < width; i++) {
    await ledger.record(
      makeRecord({
        requestId: `=r${i}`,
        startedAt: at + i,
        feature: `a,"b"\n${long}`,
        model: `m,${long}`,
        profile: `'${long}`,
        fallbackPath: [long, long],
      }),
    );
  }
  await ledger.settled();
});

afterAll(async () => {
  await ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("an export worker's heap", () => {
  it('holds a full page whose every line JavaScript must print, byte for byte', async () => {
    const { rows } = await selectPage(ledger.reader(), {
      since: 0,
      until: at + 1e9,
      limit: 5000,
      after: 0,
      includeSamples: false,
    });
    const expected = rows.map((r) => csvLine(rowCsvCells(r))).join('');
    const file = path.join(dir, 'worst.csv');
    const fd = fs.openSync(file, 'w', 0o600);
    try {
      const ids = (await ledger
        .reader()
        .get<{ first: number; last: number }>('SELECT MIN(id) AS first, MAX(id) AS last FROM requests'))!;
      const written = await writeCsvWithWorkers({
        db: ledger.file,
        fd,
        since: 0,
        until: at + 1e9,
        includeSamples: false,
        first: ids.first - 1,
        last: ids.last,
        width,
        workers: 1,
      });
      expect(written).toBe(width);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(expected);
  });
});
