import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../../daemon/usage/migrations';
import { openLedgerDb } from '../../../../daemon/usage/openLedgerDb';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { captureLog, makeRecord, tempDir } from './records';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  return path.join(dir, 'usage.db');
}

async function indexes(db: SqliteDb): Promise<string[]> {
  return (
    await db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
  ).map((r) => r.name);
}

describe('ledger migrations', () => {
  it('bring an empty database to the latest version, in WAL mode with synchronous=FULL', async () => {
    const { db } = await openLedgerDb(dbFile(), captureLog().log);
    try {
      expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBe(migrations.length);
      expect((await db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode).toBe('wal');
      // 2 = FULL
      expect((await db.get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous).toBe(2);
      expect(await indexes(db)).toEqual([
        'requests_experiment_arm',
        'requests_feature_started_at',
        'requests_model_started_at',
        'requests_started_at',
        'usage_daily_pending',
        'usage_daily_sketch_pending',
        'usage_hourly_pending',
        'usage_hourly_sketch_pending',
      ]);
    } finally {
      await db.close();
    }
  });

  it('upgrade an old-version database and keep its rows', async () => {
    const file = dbFile();
    const old = await SqliteDb.open(file);
    await migrate(old, 1);
    expect(await schemaVersion(old)).toBe(1);
    expect(await indexes(old)).toEqual([]);
    await old.run(`INSERT INTO requests (request_id, started_at, recorded_at, client, feature, priority, latency_ms, attempts)
                   VALUES ('old-row', 1000, 1000, 'cli', 'ask', 'interactive', 42, 1)`);
    await old.close();

    const ledger = new UsageLedger({ file });
    await ledger.open();
    expect(ledger.status().state).toBe('ok');
    const db = ledger.reader();
    expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(await indexes(db)).toHaveLength(8);
    expect(await db.get('SELECT request_id, latency_ms FROM requests')).toEqual({
      request_id: 'old-row',
      latency_ms: 42,
    });
    await ledger.close();
  });

  it('are idempotent: opening a current database again changes nothing', async () => {
    const file = dbFile();
    for (let i = 0; i < 2; i++) {
      const { db } = await openLedgerDb(file, captureLog().log);
      expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
      await db.close();
    }
  });

  it('refuse a database from a newer Conduit and leave it untouched, reporting why', async () => {
    const file = dbFile();
    const db = await SqliteDb.open(file);
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    await db.close();
    const ledger = new UsageLedger({ file });
    await ledger.open();
    expect(ledger.status().state).toBe('degraded');
    expect(ledger.status().degraded).toMatch(/newer than this Conduit knows.*requests are not being recorded/);
    expect(await ledger.record(makeRecord())).toEqual({ recorded: false });
    await ledger.close();
    const again = await SqliteDb.open(file);
    expect(await schemaVersion(again)).toBe(SCHEMA_VERSION + 5);
    await again.close();
  });
});
