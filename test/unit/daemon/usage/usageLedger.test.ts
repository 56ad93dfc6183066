import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRows } from '../../../../daemon/usage/ledgerQueries';
import { exportUsage } from '../../../../daemon/usage/usageExport';
import { makeRecord, useTempLedgers } from './records';

const CANARY = 'sk-ant-FAKE-canary-usage-0000000000';
const newLedger = useTempLedgers();

describe('UsageLedger.record', () => {
  it('writes one row per requestId: recording the same request twice leaves one row', async () => {
    const ledger = await newLedger();
    const record = makeRecord({ costUsd: 0.25 });
    expect(await ledger.record(record)).toEqual({ recorded: true });
    expect(await ledger.record({ ...record, costUsd: 99 })).toEqual({ recorded: true });
    expect(await countRows(ledger.reader())).toBe(1);
    const rows = await ledger.reader().all<{ cost_usd: number }>('SELECT cost_usd FROM requests');
    expect(rows).toEqual([{ cost_usd: 0.25 }]);
  });

  it('keeps every field of the record', async () => {
    const ledger = await newLedger();
    const record = makeRecord({
      startedAt: 1_700_000_000_123,
      client: 'vscode',
      feature: 'explain',
      priority: 'background',
      provider: 'openai',
      model: 'gpt-5.4-mini',
      tier: 'moderate',
      experimentArm: 'B',
      usage: { input_tokens: 11, output_tokens: 22, cache_read_tokens: 3, cache_write_tokens: 4, reasoning_tokens: 5 },
      costUsd: 0.0123,
      costSavedUsd: 0.5,
      costEstimated: true,
      latencyMs: 1234.5,
      ttftMs: 99.25,
      attempts: 3,
      errorCode: 'stream_interrupted',
      httpStatus: 502,
      fallbackPath: ['gemini/gemini-2.5-flash', 'stale-cache'],
      cache: 'stale',
      coalesced: true,
      stream: false,
      profile: 'work',
      sample: { prompt: 'p', response: 'r' },
    });
    await ledger.record(record);
    const page = await exportUsage(ledger, { since: 0, includeSamples: true }, Date.now());
    expect(page.rows).toEqual([
      {
        requestId: record.requestId,
        startedAt: 1_700_000_000_123,
        client: 'vscode',
        feature: 'explain',
        priority: 'background',
        provider: 'openai',
        model: 'gpt-5.4-mini',
        tier: 'moderate',
        experimentArm: 'B',
        inputTokens: 11,
        outputTokens: 22,
        cacheReadTokens: 3,
        cacheWriteTokens: 4,
        reasoningTokens: 5,
        costUsd: 0.0123,
        costSavedUsd: 0.5,
        costEstimated: true,
        latencyMs: 1234.5,
        ttftMs: 99.25,
        attempts: 3,
        errorCode: 'stream_interrupted',
        httpStatus: 502,
        fallbackPath: ['gemini/gemini-2.5-flash', 'stale-cache'],
        cache: 'stale',
        coalesced: true,
        stream: false,
        profile: 'work',
        sample: { prompt: 'p', response: 'r' },
      },
    ]);
    // Without includeSamples an export carries no text.
    expect((await exportUsage(ledger, { since: 0 }, Date.now())).rows[0]!.sample).toBeNull();
  });

  it('writes prompt text only from `sample`: no other column and no record without one carries it', async () => {
    const ledger = await newLedger();
    for (let i = 0; i < 20; i++) await ledger.record(makeRecord({ errorCode: i % 2 ? 'rate_limited' : null }));
    await ledger.record(
      makeRecord({ requestId: 'sampled', sample: { prompt: `prompt ${CANARY}`, response: 'answer' } }),
    );
    const db = ledger.reader();
    const unsampled = await db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM requests WHERE request_id != 'sampled' AND (sample_prompt IS NOT NULL OR sample_response IS NOT NULL)",
    );
    expect(unsampled?.n).toBe(0);
    // The only place the text appears is the sample column of the one sampled row.
    const hits = await db.all<{ request_id: string }>(
      `SELECT request_id FROM requests WHERE instr(sample_prompt, ?) > 0`,
      [CANARY],
    );
    expect(hits).toEqual([{ request_id: 'sampled' }]);
    // With the sampled row gone, nothing on disk holds the text: the other rows never had it.
    await db.exec("DELETE FROM requests WHERE request_id = 'sampled'; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
    for (const file of [ledger.file, `${ledger.file}-wal`]) {
      if (fs.existsSync(file)) expect(fs.readFileSync(file).includes(Buffer.from(CANARY))).toBe(false);
    }
  });

  it('commits concurrent records together and acknowledges each one', async () => {
    const ledger = await newLedger();
    const records = Array.from({ length: 300 }, () => makeRecord());
    const results = await Promise.all(records.map((r) => ledger.record(r)));
    expect(results.every((r) => r.recorded)).toBe(true);
    expect(await countRows(ledger.reader())).toBe(300);
  });

  it('never throws after close; the request is counted as unrecorded', async () => {
    const ledger = await newLedger();
    await ledger.close();
    expect(await ledger.record(makeRecord())).toEqual({ recorded: false });
    expect(ledger.status()).toMatchObject({ state: 'closed', unrecorded: 1 });
  });

  it('feeds the live window even when nothing can be written', async () => {
    const ledger = await newLedger();
    await ledger.close();
    await ledger.record(makeRecord({ startedAt: Date.now() }));
    expect(ledger.live.since(60_000, Date.now())).toHaveLength(1);
  });

  it('measures the cost of one record() (printed, not asserted)', async () => {
    const ledger = await newLedger();
    await ledger.record(makeRecord()); // warm-up: statement compilation, WAL creation
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await ledger.record(makeRecord());
    const sequential = (performance.now() - t0) / n;
    const t1 = performance.now();
    await Promise.all(Array.from({ length: n }, () => ledger.record(makeRecord())));
    const concurrent = (performance.now() - t1) / n;
    console.log(
      `[ledger bench] record(): ${sequential.toFixed(3)} ms each, one at a time (one fsync each); ` +
        `${concurrent.toFixed(3)} ms each when ${n} arrive together (group commit) — ${path.dirname(ledger.file)}`,
    );
    expect(await countRows(ledger.reader())).toBe(2 * n + 1);
  });
});
