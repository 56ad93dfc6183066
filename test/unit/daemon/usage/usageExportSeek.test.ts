import { describe, expect, it } from 'vitest';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { exportUsage } from '../../../../daemon/usage/usageExport';
import { makeRecord, useTempLedgers } from './records';

const newLedger = useTempLedgers();

const T = 1_700_000_000_000;

/** Every row of a range, page by page, as the panel's recent rows and the CLI read them. */
async function allPages(ledger: UsageLedger, since: number, until: number, includeSamples: boolean): Promise<string[]> {
  const ids: string[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await exportUsage(
      ledger,
      { since, until, limit: 2, includeSamples, ...(after !== undefined ? { after } : {}) },
      T + 1e9,
    );
    ids.push(...page.rows.map((r) => r.requestId));
    if (page.next === null) return ids;
    after = page.next;
  }
}

describe("usage/export from the range's first row", () => {
  it('finds every row of the range when requests finished out of the order they started', async () => {
    const ledger = await newLedger();
    // Rows are inserted as requests finish: a long request that started first gets the larger id.
    await ledger.record(makeRecord({ requestId: 'old', startedAt: T - 60_000 }));
    await ledger.record(makeRecord({ requestId: 'quick', startedAt: T + 5_000 }));
    await ledger.record(makeRecord({ requestId: 'long', startedAt: T + 1_000 }));
    await ledger.record(makeRecord({ requestId: 'older', startedAt: T - 30_000 }));
    await ledger.record(makeRecord({ requestId: 'last', startedAt: T + 9_000 }));
    await ledger.record(makeRecord({ requestId: 'after', startedAt: T + 20_000 }));
    for (const samples of [false, true]) {
      expect(await allPages(ledger, T, T + 10_000, samples)).toEqual(['quick', 'long', 'last']);
    }
  });

  it('gives one empty last page for a range without rows', async () => {
    const ledger = await newLedger();
    await ledger.record(makeRecord({ requestId: 'a', startedAt: T }));
    const page = await exportUsage(ledger, { since: T + 1, until: T + 2 }, T + 1e9);
    expect(page).toEqual({ rows: [], next: null });
    expect((await exportUsage(ledger, { since: T + 1, until: T + 2, format: 'csv' }, T + 1e9)).next).toBeNull();
  });

  it('starts its first page at the range: the rows before it are not read', async () => {
    const ledger = await newLedger();
    for (let i = 0; i < 50; i++) await ledger.record(makeRecord({ requestId: `r${i}`, startedAt: T + i * 1000 }));
    const reader = ledger.reader();
    const walks: unknown[][] = [];
    const all = reader.all.bind(reader);
    reader.all = (sql: string, params?: readonly unknown[]) => {
      if (sql.includes('id > ?')) walks.push([...(params ?? [])]);
      return all(sql, params as never);
    };
    const [{ id: firstId }] = (await reader.all<{ id: number }>(
      "SELECT id FROM requests WHERE request_id = 'r45'",
    )) as [{ id: number }];
    const page = await exportUsage(ledger, { since: T + 45_000, until: T + 1e6 }, T + 1e9);
    expect(page.rows.map((r) => r.requestId)).toEqual(['r45', 'r46', 'r47', 'r48', 'r49']);
    // The page's walk by id begins just before the range's first row, not at id 0: its cursor is
    // the second to last parameter (the last is the page's size).
    expect(walks.length).toBeGreaterThan(0);
    for (const params of walks) expect(params[params.length - 2]).toBe(firstId - 1);
  });
});
