import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageExportParams, UsageRow } from '../../../../protocol/usage';
import { selectPage } from '../../../../daemon/usage/ledgerQueries';
import { csvLine, rowCsvCells } from '../../../../daemon/usage/usageCsv';
import { exportUsage, SAMPLE_PAGE_BYTES } from '../../../../daemon/usage/usageExport';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { makeRecord, tempDir } from './records';

const dir = tempDir('conduit-usage-export-');
const at = Date.UTC(2026, 5, 1);
const now = at + 1e9;
let ledger: UsageLedger;

// 40 rows whose samples are a fifth of a page's bytes each, every third of another feature.
beforeAll(async () => {
  ledger = UsageLedger.inHome(dir);
  await ledger.open();
  const big = (i: number): string => `${i}, "quoted"\n`.repeat(Math.ceil(SAMPLE_PAGE_BYTES / 10 / 14));
  for (let i = 0; i < 40; i++)
    await ledger.record(
      makeRecord({
        startedAt: at + i,
        feature: i % 3 === 0 ? 'explain' : 'ask',
        sample: { prompt: big(i), response: big(i + 1) },
      }),
    );
  await ledger.settled();
});

afterAll(async () => {
  await ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every page of `usage/export`, following `next`, as the CLI does. */
async function pages(params: UsageExportParams): Promise<{ rows: UsageRow[]; csv: string; sizes: number[] }> {
  const rows: UsageRow[] = [];
  const sizes: number[] = [];
  let csv = '';
  for (let after = 0; ;) {
    const page = await exportUsage(ledger, { ...params, after }, now);
    rows.push(...page.rows);
    csv += page.csv ?? '';
    sizes.push(page.csv !== undefined ? page.csv.length : JSON.stringify(page.rows).length);
    if (page.next === null) return { rows, csv, sizes };
    after = page.next;
  }
}

describe('usage/export with samples', () => {
  it('cuts pages by the samples’ bytes, and the pages together are every row in order', async () => {
    for (const filters of [undefined, { feature: 'ask' }]) {
      const all = await selectPage(ledger.reader(), {
        since: 0,
        until: now,
        limit: 5000,
        after: 0,
        includeSamples: true,
        ...(filters ? { filters } : {}),
      });
      const json = await pages({ since: 0, includeSamples: true, ...(filters ? { filters } : {}) });
      expect(json.rows).toEqual(all.rows);
      // About five rows a page (each a fifth of the budget), not all of them in one message.
      expect(json.sizes.length).toBeGreaterThanOrEqual(all.rows.length / 5);
      for (const size of json.sizes) expect(size).toBeLessThan(SAMPLE_PAGE_BYTES * 1.5);
      const csv = await pages({ since: 0, includeSamples: true, format: 'csv', ...(filters ? { filters } : {}) });
      expect(csv.csv).toBe(all.rows.map((r) => csvLine(rowCsvCells(r))).join(''));
      expect(csv.sizes.length).toBeGreaterThanOrEqual(all.rows.length / 5);
    }
  });

  it('keeps to a smaller limit, and pages without samples by rows alone', async () => {
    const first = await exportUsage(ledger, { since: 0, includeSamples: true, limit: 1 }, now);
    expect(first.rows).toHaveLength(1);
    const plain = await exportUsage(ledger, { since: 0 }, now);
    expect(plain.rows).toHaveLength(40);
    expect(plain.next).toBeNull();
  });
});
