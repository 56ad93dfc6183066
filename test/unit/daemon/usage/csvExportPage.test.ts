import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectCsvPage } from '../../../../daemon/usage/csvExportPage';
import { selectPage } from '../../../../daemon/usage/ledgerQueries';
import { csvLine, rowCsvCells } from '../../../../daemon/usage/usageCsv';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
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
});
