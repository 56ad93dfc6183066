import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectCsvPage } from '../../../../daemon/usage/csvExportPage';
import { selectPage } from '../../../../daemon/usage/ledgerQueries';
import { csvLine, rowCsvCells } from '../../../../daemon/usage/usageCsv';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { seededRandom } from '../../../fixtures/seededRandom';
import { makeRecord, tempDir } from './records';

const dir = tempDir('conduit-csv-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CSV export pages built by SQLite', () => {
  it('are byte for byte the CSV the CLI writes from rows, page after page, with awkward text and numbers', async () => {
    const ledger = new UsageLedger({ file: path.join(dir, 'usage.db') });
    await ledger.open();
    const at = Date.UTC(2026, 2, 1, 12, 0, 0, 7);
    const awkward = ['=SUM(A1)', 'a,b', 'say "hi"', 'two\nlines', '-1', '@x', 'plain', '\ttab', 'ünïcode ✓'];
    for (let i = 0; i < 23; i++) {
      await ledger.record(
        makeRecord({
          requestId: `r${i}`,
          startedAt: at + i * 1013,
          feature: awkward[i % awkward.length]!,
          model: i % 4 === 0 ? null : awkward[(i + 3) % awkward.length]!,
          experimentArm: i % 3 === 0 ? 'exp/a,b' : null,
          costUsd: i % 5 === 0 ? null : i * 0.000137,
          latencyMs: i % 2 === 0 ? 500 : 123.456 + i,
          ttftMs: i % 3 === 0 ? null : 42.5,
          errorCode: i % 7 === 0 ? 'overloaded' : null,
          httpStatus: i % 7 === 0 ? 529 : 200,
          fallbackPath: i % 6 === 0 ? ['openai/gpt-x', 'gemini/"y"'] : [],
          costEstimated: i % 2 === 1,
          coalesced: i % 4 === 1,
          sample: i % 5 === 2 ? { prompt: 'p, "q"', response: '=r' } : null,
          ...(i % 8 === 3 ? { batchId: 'batch-1' } : {}),
        }),
      );
    }
    const db = ledger.reader();
    for (const includeSamples of [false, true]) {
      let fromRows = '';
      let fromSql = '';
      let rows = 0;
      for (let after = 0; ;) {
        const page = await selectPage(db, { since: 0, until: at + 1e9, limit: 5, after, includeSamples });
        fromRows += page.rows.map((r) => csvLine(rowCsvCells(r))).join('');
        if (page.next === null) break;
        after = page.next;
      }
      for (let after = 0; ;) {
        const page = await selectCsvPage(db, { since: 0, until: at + 1e9, limit: 5, after, includeSamples });
        fromSql += page.csv;
        rows += page.csvRows;
        if (page.next === null) break;
        after = page.next;
      }
      expect(rows).toBe(23);
      expect(fromSql).toBe(fromRows);
    }
    await ledger.close();
  });

  it('match the rows on random text and numbers: SQLite prints doubles and flags unlike JavaScript', async () => {
    const ledger = new UsageLedger({ file: path.join(dir, 'random.db') });
    await ledger.open();
    const rand = seededRandom(2027);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const chars = [
      'a',
      'Z',
      '0',
      ' ',
      ',',
      '"',
      '\n',
      '\r',
      '\t',
      '=',
      '+',
      '-',
      '@',
      "'",
      'é',
      '✓',
      '\u0001',
      '\u0002',
    ];
    const text = (): string =>
      rand() < 0.7
        ? pick(['ask', 'chat', 'gpt-5.4-mini', 'x'])
        : Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(chars)).join('');
    // Doubles SQLite prints differently: tiny (1.5e-06), 17 digits, whole (500.0), huge (1.0e+21).
    const real = (): number =>
      pick([
        () => rand() * 2000,
        () => rand() * 1e-5,
        () => Math.floor(rand() * 1000),
        () => 0.1 + 0.2,
        () => rand() * 1e22,
        () => -rand(),
        () => 0,
      ])();
    const at = Date.UTC(2026, 5, 1);
    for (let i = 0; i < 300; i++) {
      await ledger.record(
        makeRecord({
          requestId: rand() < 0.9 ? `r${i}` : `${pick(['=', '"', ','])}r${i}`,
          startedAt: at + i * 977,
          feature: text(),
          model: rand() < 0.2 ? null : text(),
          experimentArm: rand() < 0.7 ? null : text(),
          costUsd: rand() < 0.2 ? null : real(),
          costSavedUsd: real(),
          latencyMs: real(),
          ttftMs: rand() < 0.3 ? null : real(),
          errorCode: rand() < 0.8 ? null : 'overloaded',
          httpStatus: rand() < 0.1 ? null : 200,
          fallbackPath: rand() < 0.8 ? [] : [text(), text()],
          costEstimated: rand() < 0.5,
          coalesced: rand() < 0.5,
          stream: rand() < 0.5,
          profile: text(),
          sample: rand() < 0.7 ? null : { prompt: text(), response: text() },
          ...(rand() < 0.1 ? { batchId: 'b' } : {}),
        }),
      );
    }
    const db = ledger.reader();
    for (const includeSamples of [false, true]) {
      const { rows } = await selectPage(db, { since: 0, until: at + 1e9, limit: 1000, after: 0, includeSamples });
      let fromSql = '';
      for (let after = 0; ;) {
        const page = await selectCsvPage(db, { since: 0, until: at + 1e9, limit: 37, after, includeSamples });
        fromSql += page.csv;
        if (page.next === null) break;
        after = page.next;
      }
      const expected = rows.map((r) => csvLine(rowCsvCells(r)));
      expect(fromSql.split('\n').length - 1).toBeGreaterThanOrEqual(300);
      expect(fromSql).toBe(expected.join(''));
    }
    await ledger.close();
  });

  it('pass plain pages through as SQLite built them, equal to the rows printed by JavaScript', async () => {
    const ledger = new UsageLedger({ file: path.join(dir, 'plain.db') });
    await ledger.open();
    const rand = seededRandom(7);
    const at = Date.UTC(2026, 6, 1);
    for (let i = 0; i < 120; i++)
      await ledger.record(
        makeRecord({
          requestId: `p${i}`,
          startedAt: at + i * 1001,
          costUsd: i % 4 === 0 ? null : rand() * (i % 2 ? 1e-5 : 1),
          latencyMs: rand() * 3000,
          ttftMs: i % 3 === 0 ? null : rand() * 300,
        }),
      );
    const db = ledger.reader();
    const { rows } = await selectPage(db, { since: 0, until: at + 1e9, limit: 1000, after: 0, includeSamples: false });
    const page = await selectCsvPage(db, { since: 0, until: at + 1e9, limit: 1000, after: 0, includeSamples: false });
    expect(page.csvRows).toBe(120);
    expect(page.csv).toBe(rows.map((r) => csvLine(rowCsvCells(r))).join(''));
    await ledger.close();
  });
});
