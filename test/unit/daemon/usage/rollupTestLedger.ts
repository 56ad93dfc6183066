import * as fs from 'node:fs';
import { afterAll } from 'vitest';
import type { UsageRow } from '../../../../protocol/usage';
import { SELECT_COLUMNS, toUsageRow, type DbRow } from '../../../../daemon/usage/ledgerRow';
import * as path from 'node:path';
import type { SqliteDb } from '../../../../daemon/usage/sqlite';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { generateLedger } from '../../../fixtures/usage/generateLedger';
import { tempDir } from './records';

/** What the rollup tests share: units, a folder for their ledgers, and the raw rows they check against. */
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** A temporary folder for the file's ledgers, removed once its tests have run. */
export function ledgerDir(prefix: string): string {
  const dir = tempDir(prefix);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The raw rows of [since, until): the exact answer the rollups must equal. */
export async function rawRows(db: SqliteDb, since: number, until: number): Promise<UsageRow[]> {
  const rows = await db.all<DbRow>(
    `SELECT id, ${SELECT_COLUMNS.join(', ')} FROM requests WHERE started_at >= ? AND started_at < ?`,
    [since, until],
  );
  return rows.map(toUsageRow);
}

/** A generated ledger of 4,000 rows over 60 days up to `end`, opened. */
export async function openGeneratedLedger(
  dir: string,
  name: string,
  seed: number,
  end: number,
): Promise<{ file: string; ledger: UsageLedger; db: SqliteDb }> {
  const file = path.join(dir, name);
  await generateLedger(file, { rows: 4000, days: 60, end, seed });
  const ledger = new UsageLedger({ file });
  await ledger.open();
  return { file, ledger, db: ledger.reader() };
}
