/**
 * Issue #12: bulk jobs through the providers' Batch APIs, for each provider, through the real
 * CLI, the real daemon, the official SDKs and the fake provider's batch endpoints: a batch runs
 * to the end with results matched to their lines by id; some requests fail inside a batch; the
 * daemon is killed with SIGKILL while a poll is in flight and picks the job up again without
 * losing or repeating a result; a job cancelled mid-way keeps what finished and records the rest
 * as cancelled; and the ledger prices each request at the batch rate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchItemResult, BatchJob, BatchProviderId, UsageRow } from '../../protocol';
import { resolveProvider, configSchema } from '../../daemon/config/config';
import { costOf } from '../../daemon/usage/pricing';
import { SqliteDb } from '../../daemon/usage/sqlite';
import { FAKE_KEYS, isRunning, useDaemonAndFake, waitFor } from './harness';

interface LedgerRow {
  request_id: string;
  provider: string;
  model: string;
  feature: string;
  batch: number;
  batch_id: string | null;
  error_code: string | null;
  cost_usd: number | null;
  input_tokens: number;
  output_tokens: number;
  n: number;
}

const PROVIDERS: readonly BatchProviderId[] = ['anthropic', 'openai', 'gemini'];
const LINES = [
  { custom_id: 'alpha', messages: [{ role: 'user', content: 'What does the alpha function do?' }], max_tokens: 300 },
  {
    custom_id: 'beta',
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Explain the beta class.' }],
    feature: 'explain',
  },
  { messages: [{ role: 'user', content: 'And the third one, without an id?' }] },
];
const PROMPT_BY_ID: Record<string, string> = {
  alpha: LINES[0]!.messages[0]!.content,
  beta: LINES[1]!.messages[0]!.content,
  'line-3': LINES[2]!.messages[0]!.content,
};

describe("batch jobs through the providers' Batch APIs", () => {
  const env = useDaemonAndFake({ config: { batch: { pollInitialMs: 40, pollMaxMs: 150 }, cache: { enabled: false } } });

  function writeLines(name: string, lines: readonly unknown[]): string {
    const file = path.join(env.h.home, name);
    fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    return file;
  }

  async function submit(provider: BatchProviderId, lines: readonly unknown[] = LINES): Promise<BatchJob> {
    const r = await env.h.cli([
      'batch',
      'submit',
      writeLines(`${provider}-${Date.now()}.jsonl`, lines),
      '--provider',
      provider,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as BatchJob;
  }

  async function status(id: string): Promise<BatchJob> {
    const r = await env.h.cli(['batch', 'status', id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as BatchJob;
  }

  async function results(id: string): Promise<BatchItemResult[]> {
    const out = path.join(env.h.home, `${id}.results.jsonl`);
    const r = await env.h.cli(['batch', 'results', id, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as BatchItemResult);
  }

  async function ledgerRows(jobId: string): Promise<LedgerRow[]> {
    const db = await SqliteDb.open(path.join(env.h.home, 'usage.db'), { readOnly: true });
    try {
      return await db.all<LedgerRow>(
        `SELECT request_id, provider, model, feature, batch, batch_id, error_code, cost_usd, input_tokens, output_tokens, COUNT(*) OVER (PARTITION BY request_id) AS n
         FROM requests WHERE batch_id = ? ORDER BY request_id`,
        [jobId],
      );
    } finally {
      await db.close();
    }
  }

  const waitForState = (id: string, state: BatchJob['state']) =>
    waitFor(async () => (await status(id)).state === state, 20_000, `batch ${id} to be ${state}`);

  /** What a request with the fake's usage (1000 in, 200 out) costs at half the model's prices. */
  function batchPrice(provider: BatchProviderId, model: string): number {
    const full = costOf(provider, model, {
      input_tokens: 1000,
      output_tokens: 200,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
    }).usd;
    expect(full, `the catalogue prices ${provider}/${model}`).not.toBeNull();
    return full! / 2;
  }

  describe.each(PROVIDERS)('%s', (provider) => {
    const model = resolveProvider(configSchema.parse({}), provider, {}).model;

    it('submit → in progress → ended, with results matched to their lines by id and priced at the batch rate', async () => {
      const job = await submit(provider);
      expect(job.state).toBe('in_progress');
      expect(job.counts).toMatchObject({ total: 3, pending: 3 });
      const remote = env.fake.batches.only(provider);
      expect(remote.requests.map((r) => r.customId)).toEqual(['alpha', 'beta', 'line-3']);
      // Each line is the body a live call sends: the model, the token limit, the system prompt.
      const body = JSON.stringify(remote.requests[1]!.body);
      expect(body).toContain('Be brief.');
      expect(JSON.stringify(remote.requests[0]!.body)).toContain('300');
      expect(remote.requests.every((r) => r.model === model)).toBe(true);

      await waitFor(() => remote.statusPolls >= 2, 10_000, 'the daemon to poll');
      expect((await status(job.id)).state).toBe('in_progress');
      const early = await env.h.cli(['batch', 'results', job.id]);
      expect(early.code).toBe(1);
      expect(early.stderr).toContain('still in progress');

      env.fake.batches.end(remote.id);
      await waitForState(job.id, 'ended');
      const done = await status(job.id);
      expect(done.counts).toMatchObject({ total: 3, succeeded: 3, pending: 0, errored: 0 });

      const items = await results(job.id);
      expect(items.map((i) => i.customId)).toEqual(['alpha', 'beta', 'line-3']);
      for (const item of items) {
        expect(item.state).toBe('succeeded');
        expect(item.text).toBe(`Answer to: ${PROMPT_BY_ID[item.customId]}`);
      }

      const rows = await ledgerRows(job.id);
      expect(rows.map((r) => r.request_id)).toEqual([`${job.id}:alpha`, `${job.id}:beta`, `${job.id}:line-3`]);
      const price = batchPrice(provider, model);
      for (const row of rows) {
        expect(row).toMatchObject({
          n: 1,
          batch: 1,
          provider,
          error_code: null,
          input_tokens: 1000,
          output_tokens: 200,
        });
        expect(row.cost_usd).toBeCloseTo(price, 12);
      }
      expect(rows.find((r) => r.request_id.endsWith(':beta'))?.feature).toBe('explain');
      expect(done.costUsd).toBeCloseTo(price * 3, 12);
      // The usage export marks them, as JSON and as CSV.
      const exported = await env.h.cli(['usage', 'export', '--json', '-']);
      const mine = (JSON.parse(exported.stdout) as UsageRow[]).filter((r) => r.requestId.startsWith(`${job.id}:`));
      expect(mine.map((r) => r.batch)).toEqual([true, true, true]);
      const csv = (await env.h.cli(['usage', 'export', '--csv', '-'])).stdout.trim().split('\n');
      expect(csv[0]!.endsWith(',batch')).toBe(true);
      expect(csv.filter((l) => l.startsWith(`${job.id}:`)).every((l) => l.endsWith(',true'))).toBe(true);
    });

    it('a partial failure: the errored requests have their error code in the ledger and cost nothing', async () => {
      env.fake.batches.failRequest('beta', 400, { message: 'max_tokens is too large for this model' });
      env.fake.batches.failRequest('line-3', 500);
      env.fake.batches.endAfterPolls = 2;
      // Gemini's responses with the request metadata echoed back (the other tests: order only).
      env.fake.batches.geminiEchoesMetadata = true;
      const job = await submit(provider);
      await waitForState(job.id, 'ended');
      expect((await status(job.id)).counts).toMatchObject({ succeeded: 1, errored: 2 });
      const items = Object.fromEntries((await results(job.id)).map((i) => [i.customId, i]));
      expect(items.alpha).toMatchObject({ state: 'succeeded', errorCode: null });
      expect(items.beta).toMatchObject({ state: 'errored', errorCode: 'invalid_request', text: null });
      expect(items.beta?.errorMessage).toContain('max_tokens is too large');
      expect(items['line-3']).toMatchObject({ state: 'errored', errorCode: 'server_error' });

      const rows = Object.fromEntries((await ledgerRows(job.id)).map((r) => [r.request_id.split(':')[1], r]));
      expect(rows.alpha).toMatchObject({ n: 1, error_code: null });
      expect(rows.beta).toMatchObject({ n: 1, batch: 1, error_code: 'invalid_request', cost_usd: 0 });
      expect(rows['line-3']).toMatchObject({ n: 1, batch: 1, error_code: 'server_error', cost_usd: 0 });
    });

    it('an expired batch keeps the results that ran and records the rest as expired', async () => {
      const job = await submit(provider);
      const remote = env.fake.batches.only(provider);
      env.fake.batches.expire(remote.id, ['beta']);
      await waitForState(job.id, 'expired');
      const items = Object.fromEntries((await results(job.id)).map((i) => [i.customId, i]));
      expect(items.beta).toMatchObject({ state: 'succeeded', text: `Answer to: ${PROMPT_BY_ID.beta}` });
      expect(items.alpha).toMatchObject({ state: 'expired', errorCode: 'timeout' });
      expect(items['line-3']).toMatchObject({ state: 'expired' });
      const rows = await ledgerRows(job.id);
      expect(rows).toHaveLength(3);
      expect(rows.filter((r) => r.error_code === 'timeout')).toHaveLength(2);
    });

    it('cancel mid-way: the provider ends the batch as cancelled; what finished is recorded once, the rest as cancelled at no cost', async () => {
      const job = await submit(provider);
      const remote = env.fake.batches.only(provider);
      await waitFor(() => remote.statusPolls >= 1, 10_000, 'the daemon to poll');
      env.fake.batches.runSome(remote.id, ['beta']);
      const r = await env.h.cli(['batch', 'cancel', job.id, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const asked = JSON.parse(r.stdout) as BatchJob;
      // The provider only heard the request; the job is not over until it says so.
      expect(remote.cancelRequestedAt).not.toBeNull();
      expect(asked).toMatchObject({ id: job.id, state: 'in_progress' });
      // Gemini's cancel answers with an empty body, so its job shows the last poll's state.
      expect(asked.providerStatus).toBe(
        { anthropic: 'canceling', openai: 'cancelling', gemini: 'JOB_STATE_RUNNING' }[provider],
      );
      await waitForState(job.id, 'canceled');
      const done = await status(job.id);
      expect(done.counts).toMatchObject({ total: 3, succeeded: 1, canceled: 2, pending: 0 });
      expect(done.costUsd).toBeCloseTo(batchPrice(provider, model), 12);
      const items = Object.fromEntries((await results(job.id)).map((i) => [i.customId, i]));
      expect(items.beta).toMatchObject({ state: 'succeeded', text: `Answer to: ${PROMPT_BY_ID.beta}` });
      expect(items.alpha).toMatchObject({ state: 'canceled', errorCode: 'cancelled', text: null });
      expect(items['line-3']).toMatchObject({ state: 'canceled', errorCode: 'cancelled' });

      const rows = Object.fromEntries((await ledgerRows(job.id)).map((r) => [r.request_id.split(':')[1], r]));
      expect(Object.keys(rows).sort()).toEqual(['alpha', 'beta', 'line-3']);
      expect(rows.beta).toMatchObject({ n: 1, batch: 1, error_code: null, input_tokens: 1000, output_tokens: 200 });
      expect(rows.beta?.cost_usd).toBeCloseTo(batchPrice(provider, model), 12);
      for (const id of ['alpha', 'line-3'])
        expect(rows[id]).toMatchObject({ n: 1, batch: 1, error_code: 'cancelled', cost_usd: 0, input_tokens: 0 });

      // Cancelling it again is refused with its state; the provider is not asked twice.
      const again = await env.h.cli(['batch', 'cancel', job.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already ended (canceled)');
      expect((await ledgerRows(job.id)).map((r) => r.n)).toEqual([1, 1, 1]);
    });

    it('kill -9 mid-poll: the next daemon resumes polling and records every result exactly once', async () => {
      const job = await submit(provider);
      const remote = env.fake.batches.only(provider);
      env.fake.batches.holdStatus();
      await waitFor(() => env.fake.batches.heldStatus >= 1, 10_000, 'a poll to be in flight');
      const pid = (await env.h.status()).pid;
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !isRunning(pid), 5000, 'the daemon to die');
      env.fake.batches.releaseStatus();
      env.fake.batches.end(remote.id);

      // Any command starts a new daemon, which picks the job up from batch.db.
      await waitForState(job.id, 'ended');
      const second = (await env.h.status()).pid;
      expect(second).not.toBe(pid);
      const rows = await ledgerRows(job.id);
      expect(rows.map((r) => [r.request_id, r.n])).toEqual([
        [`${job.id}:alpha`, 1],
        [`${job.id}:beta`, 1],
        [`${job.id}:line-3`, 1],
      ]);

      // And once more, after the results landed: nothing is read or recorded again.
      process.kill(second, 'SIGKILL');
      await waitFor(() => !isRunning(second), 5000, 'the second daemon to die');
      expect((await status(job.id)).counts).toMatchObject({ succeeded: 3, pending: 0 });
      expect((await ledgerRows(job.id)).map((r) => r.n)).toEqual([1, 1, 1]);
      expect((await results(job.id)).map((i) => i.text)).toEqual(
        ['alpha', 'beta', 'line-3'].map((id) => `Answer to: ${PROMPT_BY_ID[id]}`),
      );
    });
  });

  it('cancelling a job that already ended, or an unknown id, is a clear error', async () => {
    const job = await submit('anthropic');
    env.fake.batches.end(env.fake.batches.only('anthropic').id);
    await waitForState(job.id, 'ended');
    const r = await env.h.cli(['batch', 'cancel', job.id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Batch ${job.id} already ended (ended)`);
    expect(env.fake.batches.only('anthropic').cancelRequestedAt).toBeNull();
    expect((await status(job.id)).counts).toMatchObject({ succeeded: 3, canceled: 0 });

    const unknown = await env.h.cli(['batch', 'cancel', 'batch_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No batch batch_nope');
    const missing = await env.h.cli(['batch', 'cancel']);
    expect(missing.code).toBe(2);
  });

  it('bad lines are reported by line number and nothing is submitted', async () => {
    const file = writeLines('bad.jsonl', [
      LINES[0],
      '{"messages": [',
      '',
      { messages: [] },
      { custom_id: 'alpha', messages: [{ role: 'user', content: 'dup' }] },
      { custom_id: 'has space', messages: [{ role: 'user', content: 'x' }] },
    ]);
    const r = await env.h.cli(['batch', 'submit', file, '--provider', 'anthropic']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2: not valid JSON');
    expect(r.stderr).toContain('line 4: ');
    expect(r.stderr).toContain('line 5: custom_id "alpha" is already used on line 1');
    expect(r.stderr).toContain('line 6: custom_id must be');
    expect(r.stderr).not.toContain('line 1:');
    expect(r.stderr).not.toContain('line 3:');
    expect(env.fake.batches.list()).toHaveLength(0);
  });

  it('no key reaches batch.db or the daemon log', async () => {
    env.fake.batches.failRequest('beta', 401);
    const job = await submit('openai');
    env.fake.batches.end(env.fake.batches.only('openai').id);
    await waitForState(job.id, 'ended');
    // Stopped and gone first: the log and the database are written in the background.
    await env.h.stopDaemons();
    const dbFiles = ['batch.db', 'batch.db-wal'].map((f) => path.join(env.h.home, f)).filter((f) => fs.existsSync(f));
    const stored = dbFiles.map((f) => fs.readFileSync(f).toString('latin1')).join('') + env.h.logText();
    expect(stored).toContain('batch finished');
    for (const key of Object.values(FAKE_KEYS)) expect(stored).not.toContain(key);
  });

  it('a provider without a Batch API is refused with the ones that have one', async () => {
    const r = await env.h.cli([
      'batch',
      'submit',
      writeLines('compat.jsonl', [LINES[0]]),
      '--provider',
      'openaiCompatible',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('anthropic, openai, gemini');
  });
});
