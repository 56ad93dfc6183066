import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestOutcome } from '../../../../daemon/batch/batchIngest';
import { BatchStore, batchRequestId, type StoredJob } from '../../../../daemon/batch/batchStore';
import type { BatchEntry, BatchOutcome } from '../../../../daemon/batch/batchTypes';
import { costOf } from '../../../../daemon/usage/pricing';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { makeRecord } from '../usage/records';

const MODEL = 'claude-sonnet-4-6';
const usage = {
  input_tokens: 2000,
  output_tokens: 500,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
};

function entry(customId: string, line: number, answer?: BatchEntry['answer']): BatchEntry {
  return {
    customId,
    line,
    feature: 'docs',
    request: { messages: [{ role: 'user', content: customId }] },
    providerRequest: { model: MODEL, messages: [{ role: 'user', content: customId }], maxTokens: 100 },
    ...(answer ? { answer } : {}),
  };
}

describe('ingestOutcome: one ledger row per batch request, exactly once', () => {
  let dir: string;
  let db: SqliteDb;
  let store: BatchStore;
  let ledger: UsageLedger;
  let job: StoredJob;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-batch-'));
    db = await SqliteDb.open(path.join(dir, 'batch.db'));
    store = new BatchStore(db);
    await store.init();
    ledger = UsageLedger.inHome(dir);
    await ledger.open();
    await store.create({
      id: 'batch_t1',
      provider: 'anthropic',
      model: MODEL,
      feature: 'batch',
      source: 'x.jsonl',
      profile: 'default',
      client: 'cli',
      entries: [entry('a', 1), entry('b', 2, { schemaTool: 'names', wrapKey: 'items' })],
    });
    await store.submitted('batch_t1', 'msgbatch_1', Date.now());
    job = (await store.get('batch_t1'))!;
  });

  afterEach(async () => {
    await ledger.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function rows(): Promise<
    {
      request_id: string;
      batch: number;
      batch_id: string;
      cost_usd: number;
      error_code: string | null;
      feature: string;
      attempts: number;
    }[]
  > {
    return ledger
      .reader()
      .all(
        `SELECT request_id, batch, batch_id, cost_usd, error_code, feature, attempts FROM requests ORDER BY request_id`,
      );
  }

  const ok: BatchOutcome = {
    customId: 'a',
    state: 'succeeded',
    text: 'answer a',
    model: MODEL,
    usage,
    stopReason: 'end_turn',
  };

  it('records a success at half the interactive price, and a second read of the same result changes nothing', async () => {
    expect(await ingestOutcome(job, ok, { store, recorder: ledger, prices: () => undefined })).toBe(true);
    expect(await ingestOutcome(job, ok, { store, recorder: ledger, prices: () => undefined })).toBe(false);
    const [row] = await rows();
    expect(await rows()).toHaveLength(1);
    expect(row).toMatchObject({
      request_id: batchRequestId('batch_t1', 'a'),
      batch: 1,
      batch_id: 'batch_t1',
      error_code: null,
      feature: 'docs',
      attempts: 1,
    });
    const full = costOf('anthropic', MODEL, usage).usd!;
    expect(row!.cost_usd).toBeCloseTo(full / 2, 12);
    expect((await store.results('batch_t1'))[0]).toMatchObject({
      state: 'succeeded',
      text: 'answer a',
      costUsd: row!.cost_usd,
    });
  });

  it('a crash after the ledger row but before the item was marked: the next read finishes the item without a second row', async () => {
    // What the dead daemon managed: the row, but not the item.
    await ledger.record(makeRecord({ requestId: batchRequestId('batch_t1', 'a'), batchId: 'batch_t1' }));
    expect(await ingestOutcome(job, ok, { store, recorder: ledger, prices: () => undefined })).toBe(true);
    expect((await rows()).filter((r) => r.request_id === batchRequestId('batch_t1', 'a'))).toHaveLength(1);
    expect(await store.pendingIds('batch_t1')).toEqual(['b']);
  });

  it('an errored request costs nothing and keeps its error code; an expired one counts no attempt', async () => {
    await ingestOutcome(
      job,
      { customId: 'a', state: 'errored', errorCode: 'invalid_request', message: 'bad', httpStatus: 400 },
      { store, recorder: ledger, prices: () => undefined },
    );
    await ingestOutcome(
      job,
      { customId: 'b', state: 'expired', errorCode: 'timeout', message: 'expired', httpStatus: null },
      { store, recorder: ledger, prices: () => undefined },
    );
    expect((await rows()).map((r) => [r.error_code, r.cost_usd, r.attempts])).toEqual([
      ['invalid_request', 0, 1],
      ['timeout', 0, 0],
    ]);
    expect((await store.get('batch_t1'))!.counts).toMatchObject({ errored: 1, expired: 1, pending: 0 });
  });

  it("keeps the answer's tool calls and stop sequence, and unwraps the answer to a schema the plan wrapped", async () => {
    const deps = { store, recorder: ledger, prices: () => undefined };
    const call = { id: 'toolu_1', name: 'lookup', input: { symbol: 'parse' } };
    await ingestOutcome(job, { ...ok, toolCalls: [call], stopReason: 'tool_use' }, deps);
    await ingestOutcome(
      job,
      { ...ok, customId: 'b', text: '{"items":["x","y"]}', stopReason: 'stop_sequence', stopSequence: 'END' },
      deps,
    );
    const [a, b] = await store.results('batch_t1');
    expect(a).toMatchObject({ text: 'answer a', toolCalls: [call], stopReason: 'tool_use' });
    expect(a).not.toHaveProperty('stopSequence');
    expect(b).toMatchObject({ text: '["x","y"]', stopReason: 'stop_sequence', stopSequence: 'END' });
    expect(b).not.toHaveProperty('toolCalls');
    expect(await store.itemKeys('batch_t1')).toEqual([
      { customId: 'a' },
      { customId: 'b', schemaTool: 'names', wrapKey: 'items' },
    ]);
  });

  it('a result for an id the batch never had is ignored', async () => {
    expect(
      await ingestOutcome(job, { ...ok, customId: 'zzz' }, { store, recorder: ledger, prices: () => undefined }),
    ).toBe(false);
    expect(await rows()).toHaveLength(0);
  });
});
