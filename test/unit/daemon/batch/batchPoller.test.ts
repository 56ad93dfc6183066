import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchJob } from '../../../../protocol';
import { AnthropicBatch } from '../../../../daemon/batch/anthropicBatch';
import { BatchPoller } from '../../../../daemon/batch/batchPoller';
import { OpenAIBatch } from '../../../../daemon/batch/openaiBatch';
import { BatchStore } from '../../../../daemon/batch/batchStore';
import type { BatchEntry } from '../../../../daemon/batch/batchTypes';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { useFakeProvider } from '../../../fakes/useFakeProvider';

const KEY = 'sk-ant-test-poller-key';
const entries: BatchEntry[] = ['a', 'b'].map((id, i) => ({
  customId: id,
  line: i + 1,
  feature: 'batch',
  request: { messages: [{ role: 'user', content: `q ${id}` }] },
  providerRequest: { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: `q ${id}` }], maxTokens: 64 },
}));

describe('BatchPoller', () => {
  const fakeHolder = useFakeProvider();
  let dir: string;
  let db: SqliteDb;
  let store: BatchStore;
  let ledger: UsageLedger;
  const finished: BatchJob[] = [];
  const pollers: BatchPoller[] = [];

  function poller(settings = { pollInitialMs: 20, pollMaxMs: 80 }): BatchPoller {
    const p = new BatchPoller({
      store,
      recorder: ledger,
      prices: () => undefined,
      settings: () => settings,
      log: () => undefined,
      provider: (job) =>
        job.provider === 'openai'
          ? new OpenAIBatch({ apiKey: KEY, baseURL: fakeHolder.fake.baseURL('openai') })
          : new AnthropicBatch({ apiKey: KEY, baseURL: fakeHolder.fake.baseURL('anthropic') }),
      onFinished: (job) => finished.push(job),
    });
    pollers.push(p);
    return p;
  }

  async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 1500; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-poll-'));
    db = await SqliteDb.open(path.join(dir, 'batch.db'));
    store = new BatchStore(db);
    await store.init();
    ledger = UsageLedger.inHome(dir);
    await ledger.open();
    finished.length = 0;
  });

  afterEach(async () => {
    for (const p of pollers.splice(0)) await p.stop();
    await ledger.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits twice as long after each poll, up to the maximum', () => {
    const p = poller({ pollInitialMs: 30_000, pollMaxMs: 600_000 });
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => p.delayAfter(n))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000,
    ]);
  });

  it('at start, resumes a running job from the store and settles one a crash caught mid-submit', async () => {
    const remoteId = await new AnthropicBatch({ apiKey: KEY, baseURL: fakeHolder.fake.baseURL('anthropic') }).submit(
      entries,
      'claude-sonnet-4-6',
    );
    await store.create({
      id: 'batch_run',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      feature: 'batch',
      source: null,
      profile: 'default',
      client: 'cli',
      entries,
    });
    await store.submitted('batch_run', remoteId, Date.now() - 1000);
    await store.create({
      id: 'batch_cut',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      feature: 'batch',
      source: null,
      profile: 'default',
      client: 'cli',
      entries,
    });

    await poller().start();
    expect((await store.get('batch_cut'))!).toMatchObject({ state: 'failed', lastError: { code: 'internal' } });
    expect((await store.get('batch_cut'))!.lastError!.message).toContain('whether it arrived is unknown');

    await until(async () => ((await store.get('batch_run'))?.polls ?? 0) >= 2, 'two polls');
    fakeHolder.fake.batches.end(remoteId);
    await until(() => finished.length === 1, 'the job to finish');
    expect(finished[0]).toMatchObject({
      id: 'batch_run',
      state: 'ended',
      counts: { succeeded: 2, pending: 0 },
      nextPollAt: null,
    });
  });

  it('a batch the provider failed as a whole: every request gets an error row, and the job says why', async () => {
    const remoteId = await new OpenAIBatch({ apiKey: KEY, baseURL: fakeHolder.fake.baseURL('openai') }).submit(
      entries,
      'gpt-5.4-mini',
    );
    await store.create({
      id: 'batch_bad',
      provider: 'openai',
      model: 'gpt-5.4-mini',
      feature: 'batch',
      source: null,
      profile: 'default',
      client: 'cli',
      entries,
    });
    await store.submitted('batch_bad', remoteId, Date.now());
    fakeHolder.fake.batches.fail(remoteId, 'The model gpt-5.4-mini does not exist');
    await poller().start();
    await until(() => finished.length === 1, 'the job to finish');
    expect(finished[0]).toMatchObject({
      state: 'failed',
      counts: { errored: 2, pending: 0 },
      lastError: { code: 'invalid_request' },
    });
    expect(finished[0]!.lastError!.message).toContain('does not exist');
    const rows = await ledger
      .reader()
      .all<{ error_code: string; batch: number }>(
        `SELECT error_code, batch FROM requests WHERE batch_id = 'batch_bad'`,
      );
    expect(rows).toEqual([
      { error_code: 'invalid_request', batch: 1 },
      { error_code: 'invalid_request', batch: 1 },
    ]);
  });

  it('a cancelled batch ends as canceled when requests were cut, and as ended when every request had run', async () => {
    const openai = new OpenAIBatch({ apiKey: KEY, baseURL: fakeHolder.fake.baseURL('openai') });
    for (const [id, ran] of [
      ['batch_cut_short', ['b']],
      ['batch_too_late', ['a', 'b']],
    ] as const) {
      const remoteId = await openai.submit(entries, 'gpt-5.4-mini');
      await store.create({
        id,
        provider: 'openai',
        model: 'gpt-5.4-mini',
        feature: 'batch',
        source: null,
        profile: 'default',
        client: 'cli',
        entries,
      });
      await store.submitted(id, remoteId, Date.now());
      fakeHolder.fake.batches.runSome(remoteId, ran);
      expect(await openai.cancel(remoteId)).toBe('cancelling');
    }
    await poller().start();
    await until(() => finished.length === 2, 'both jobs to finish');
    const byId = Object.fromEntries(finished.map((j) => [j.id, j]));
    expect(byId.batch_cut_short).toMatchObject({
      state: 'canceled',
      providerStatus: 'cancelled',
      counts: { succeeded: 1, canceled: 1, pending: 0 },
    });
    expect(byId.batch_too_late).toMatchObject({
      state: 'ended',
      providerStatus: 'cancelled',
      counts: { succeeded: 2, canceled: 0, pending: 0 },
    });
    const rows = await ledger
      .reader()
      .all<{ request_id: string; error_code: string | null; cost_usd: number | null }>(
        `SELECT request_id, error_code, cost_usd FROM requests WHERE batch_id = 'batch_cut_short' ORDER BY request_id`,
      );
    expect(rows).toMatchObject([
      { request_id: 'batch_cut_short:a', error_code: 'cancelled', cost_usd: 0 },
      { request_id: 'batch_cut_short:b', error_code: null },
    ]);
  });

  it('a failing poll is kept as the last error and retried later; the job stays in progress', async () => {
    const remoteId = await new AnthropicBatch({ apiKey: KEY, baseURL: fakeHolder.fake.baseURL('anthropic') }).submit(
      entries,
      'claude-sonnet-4-6',
    );
    await store.create({
      id: 'batch_auth',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      feature: 'batch',
      source: null,
      profile: 'default',
      client: 'cli',
      entries,
    });
    await store.submitted('batch_auth', remoteId, Date.now());
    fakeHolder.fake.rejectKey(KEY);
    const p = poller();
    await p.start();
    await until(async () => ((await store.get('batch_auth'))?.polls ?? 0) >= 2, 'two failed polls');
    const job = (await store.get('batch_auth'))!;
    expect(job.state).toBe('in_progress');
    expect(job.lastError).toMatchObject({ code: 'auth', provider: 'anthropic' });
    expect(JSON.stringify(job)).not.toContain(KEY);
    expect(job.nextPollAt).toBeGreaterThan(job.updatedAt - 1);
  });
});
