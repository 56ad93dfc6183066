/**
 * Issue #27: an existing ledger gets its rollups in the background at start, resumably. A
 * ledger of 200,000 rows written without rollups is opened by the real daemon, which is
 * SIGKILLed mid-way through the backfill; the next daemon serves queries while it continues
 * from the saved cursor, and at the end every row is in the rollups exactly once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageQueryRequest } from '../../protocol/usage';
import { readRollupState } from '../../daemon/usage/rollupState';
import { SqliteDb } from '../../daemon/usage/sqlite';
import { generateLedger } from '../fixtures/usage/generateLedger';
import { DaemonHarness, isRunning, waitFor } from './harness';

const ROWS = 200_000;
const END = Date.now();

describe('rollup migration of an existing ledger', () => {
  let h: DaemonHarness;
  beforeAll(async () => {
    // No provider is called; the address only has to be well formed.
    h = new DaemonHarness('http://127.0.0.1:9');
    // The generated year stays raw: retention would delete rows while the totals are compared.
    fs.writeFileSync(path.join(h.home, 'config.json'), JSON.stringify({ usage: { retentionDays: 400 } }));
    await generateLedger(path.join(h.home, 'usage.db'), {
      rows: ROWS,
      days: 365,
      end: END,
      seed: 27,
      schema: 'before-rollups',
    });
  }, 300_000);
  afterAll(async () => {
    await h.dispose();
  });

  it('survives a SIGKILL mid-way, serves queries meanwhile, and ends with every row counted once', async () => {
    let client = await h.connect();
    const pid = (await client.status()).pid;
    await waitFor(
      async () => ((await client.status()).ledger.rollupMigration?.done ?? 0) > 0,
      120_000,
      'backfill progress',
    );
    process.kill(pid, 'SIGKILL');
    client.close();
    await waitFor(() => !isRunning(pid), 10_000, 'the daemon to die');
    const killed = await SqliteDb.open(path.join(h.home, 'usage.db'), { readOnly: true });
    const mid = await readRollupState(killed);
    await killed.close();
    expect(mid.backfillEnd).toBe(ROWS);
    expect(mid.backfillCursor).toBeGreaterThan(0);
    expect(mid.backfillCursor).toBeLessThan(ROWS);

    client = await h.connect();
    const during = await client.connection.sendRequest(UsageQueryRequest.type, {
      since: 0,
      groupBy: 'month',
      utcOffsetMinutes: 0,
    });
    expect(during.total.requests).toBe(ROWS);
    await waitFor(
      async () => (await client.status()).ledger.rollupMigration === null && /rollups complete/.test(h.logText()),
      240_000,
      'the backfill to finish',
    );
    expect(h.logText()).toMatch(/rollup migration \d+%/);
    const after = await client.connection.sendRequest(UsageQueryRequest.type, {
      since: 0,
      groupBy: 'month',
      utcOffsetMinutes: 0,
    });
    expect(after.sources?.migrating).toBe(false);
    expect(after.total.requests).toBe(ROWS);
    // The same figures from the rollups as from the raw rows (cost summed in another order).
    const sums = (r: typeof after) =>
      r.groups.map((g) => [g.key, g.requests, g.errors, g.inputTokens, g.outputTokens, g.cacheHits, g.latencyMs.count]);
    expect(sums(after)).toEqual(sums(during));
    after.groups.forEach((g, i) => expect(g.costUsd).toBeCloseTo(during.groups[i]!.costUsd, 4));
    client.close();

    const db = await SqliteDb.open(path.join(h.home, 'usage.db'), { readOnly: true });
    try {
      const raw = await db.get<{ n: number; tokens: number; cost: number }>(
        'SELECT COUNT(*) AS n, SUM(input_tokens) AS tokens, ROUND(SUM(IFNULL(cost_usd, 0)), 4) AS cost FROM requests',
      );
      for (const table of ['usage_hourly', 'usage_daily']) {
        const sums = await db.get<object>(
          `SELECT SUM(requests) AS n, SUM(input_tokens) AS tokens, ROUND(SUM(cost_usd), 4) AS cost FROM ${table}`,
        );
        expect({ table, ...sums }).toEqual({ table, ...raw });
      }
    } finally {
      await db.close();
    }
  }, 600_000);
});
