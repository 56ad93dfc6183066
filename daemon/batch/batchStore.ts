import type {
  BatchCounts,
  BatchItemResult,
  BatchItemState,
  BatchJob,
  BatchJobState,
  BatchProviderId,
  ClientKind,
  ConduitErrorData,
  ErrorCode,
  ToolCall,
  Usage,
} from '../../protocol';
import type { SqlValue } from '../usage/sqlite';
import { addMissingColumns } from '../usage/addedColumns';
import { ITEM_COLUMNS_SINCE_FIRST } from './batchColumns';
import type { BatchEntry, BatchItemKey, BatchOutcome } from './batchTypes';

/** The little of SQLite the store needs (SqliteDb provides it). */
export interface BatchDb {
  exec(sql: string): Promise<void>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

interface JobRow {
  id: string;
  provider: BatchProviderId;
  model: string;
  state: BatchJobState;
  provider_batch_id: string | null;
  provider_status: string | null;
  feature: string;
  source: string | null;
  profile: string;
  client: ClientKind;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
  next_poll_at: number | null;
  polls: number;
  last_error: string | null;
}

interface ItemRow {
  job_id: string;
  custom_id: string;
  line: number;
  feature: string;
  state: BatchItemState;
  text: string | null;
  model: string | null;
  usage: string | null;
  cost_usd: number | null;
  stop_reason: string | null;
  error_code: string | null;
  error_message: string | null;
  tool_calls: string | null;
  stop_sequence: string | null;
  schema_tool: string | null;
  wrap_key: string | null;
}

/** A job as the poller needs it: the public view plus who sent it. */
export interface StoredJob extends BatchJob {
  profile: string;
  client: ClientKind;
}

export interface NewJob {
  id: string;
  provider: BatchProviderId;
  model: string;
  feature: string;
  source: string | null;
  profile: string;
  client: ClientKind;
  entries: readonly BatchEntry[];
}

/**
 * Batch jobs and their requests, in CONDUIT_HOME/batch.db. No prompt text is kept: only what
 * matches a result to its line, and the results themselves. Every change to an item is an
 * UPDATE guarded by `state = 'pending'`, so a result read twice (after a crash) lands once.
 */
export class BatchStore {
  constructor(
    private readonly db: BatchDb,
    private readonly now: () => number = Date.now,
  ) {}

  async init(): Promise<void> {
    await this.db.exec(`CREATE TABLE IF NOT EXISTS batch_jobs (
      id TEXT PRIMARY KEY,
      provider TEXT NOT NULL,
      model TEXT NOT NULL,
      state TEXT NOT NULL,
      provider_batch_id TEXT,
      provider_status TEXT,
      feature TEXT NOT NULL,
      source TEXT,
      profile TEXT NOT NULL,
      client TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      ended_at INTEGER,
      next_poll_at INTEGER,
      polls INTEGER NOT NULL DEFAULT 0,
      last_error TEXT
    );
    CREATE TABLE IF NOT EXISTS batch_items (
      job_id TEXT NOT NULL REFERENCES batch_jobs(id),
      custom_id TEXT NOT NULL,
      line INTEGER NOT NULL,
      feature TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending',
      text TEXT,
      model TEXT,
      usage TEXT,
      cost_usd REAL,
      stop_reason TEXT,
      error_code TEXT,
      error_message TEXT,
      finished_at INTEGER,
      ${ITEM_COLUMNS_SINCE_FIRST.map((c) => `${c.name} ${c.type},`).join('\n      ')}
      PRIMARY KEY (job_id, custom_id)
    );
    CREATE INDEX IF NOT EXISTS batch_jobs_state ON batch_jobs(state);`);
    // A batch.db from a release before these columns: its table exists, so the CREATE above kept it as it was.
    await addMissingColumns(this.db, 'batch_items', ITEM_COLUMNS_SINCE_FIRST);
  }

  /** The job and its items in one transaction, before anything is sent upstream. */
  async create(job: NewJob): Promise<void> {
    const now = this.now();
    await this.db.transaction(async () => {
      await this.db.run(
        `INSERT INTO batch_jobs (id, provider, model, state, feature, source, profile, client, created_at, updated_at) VALUES (?, ?, ?, 'submitting', ?, ?, ?, ?, ?, ?)`,
        [job.id, job.provider, job.model, job.feature, job.source, job.profile, job.client, now, now],
      );
      for (const e of job.entries) {
        await this.db.run(
          `INSERT INTO batch_items (job_id, custom_id, line, feature, schema_tool, wrap_key) VALUES (?, ?, ?, ?, ?, ?)`,
          [job.id, e.customId, e.line, e.feature, e.answer?.schemaTool ?? null, e.answer?.wrapKey ?? null],
        );
      }
    });
  }

  async submitted(id: string, providerBatchId: string, nextPollAt: number): Promise<void> {
    await this.db.run(
      `UPDATE batch_jobs SET state = 'in_progress', provider_batch_id = ?, next_poll_at = ?, updated_at = ? WHERE id = ? AND state = 'submitting'`,
      [providerBatchId, nextPollAt, this.now(), id],
    );
  }

  /** After a poll that found the batch still running, or a poll that failed. */
  async polled(
    id: string,
    providerStatus: string | null,
    nextPollAt: number,
    error: ConduitErrorData | null,
  ): Promise<void> {
    await this.db.run(
      `UPDATE batch_jobs SET polls = polls + 1, provider_status = COALESCE(?, provider_status), next_poll_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = 'in_progress'`,
      [providerStatus, nextPollAt, error ? JSON.stringify(error) : null, this.now(), id],
    );
  }

  /** What the provider answered a cancel with, until the next poll says more. */
  async providerSaid(id: string, providerStatus: string): Promise<void> {
    await this.db.run(
      `UPDATE batch_jobs SET provider_status = ?, updated_at = ? WHERE id = ? AND state = 'in_progress'`,
      [providerStatus, this.now(), id],
    );
  }

  /** Stores one result unless the item already has one; true when this call stored it. */
  async finishItem(jobId: string, outcome: BatchOutcome, costUsd: number | null): Promise<boolean> {
    const now = this.now();
    const ok = outcome.state === 'succeeded';
    const { changes } = await this.db.run(
      `UPDATE batch_items SET state = ?, text = ?, model = ?, usage = ?, cost_usd = ?, stop_reason = ?, tool_calls = ?, stop_sequence = ?, error_code = ?, error_message = ?, finished_at = ? WHERE job_id = ? AND custom_id = ? AND state = 'pending'`,
      [
        outcome.state,
        ok ? outcome.text : null,
        ok ? outcome.model : null,
        ok ? JSON.stringify(outcome.usage) : null,
        costUsd,
        ok ? outcome.stopReason : null,
        ok && outcome.toolCalls?.length ? JSON.stringify(outcome.toolCalls) : null,
        (ok && outcome.stopSequence) || null,
        ok ? null : outcome.errorCode,
        ok ? null : outcome.message,
        now,
        jobId,
        outcome.customId,
      ],
    );
    return changes === 1;
  }

  async end(
    id: string,
    state: Exclude<BatchJobState, 'submitting' | 'in_progress'>,
    providerStatus: string | null,
    error: ConduitErrorData | null,
  ): Promise<void> {
    const now = this.now();
    await this.db.run(
      `UPDATE batch_jobs SET state = ?, provider_status = COALESCE(?, provider_status), last_error = ?, ended_at = ?, next_poll_at = NULL, updated_at = ? WHERE id = ? AND state IN ('submitting', 'in_progress')`,
      [state, providerStatus, error ? JSON.stringify(error) : null, now, now, id],
    );
  }

  async item(
    jobId: string,
    customId: string,
  ): Promise<{ state: BatchItemState; feature: string; line: number; wrapKey: string | null } | undefined> {
    const row = (
      await this.db.all<{ state: BatchItemState; feature: string; line: number; wrap_key: string | null }>(
        `SELECT state, feature, line, wrap_key FROM batch_items WHERE job_id = ? AND custom_id = ?`,
        [jobId, customId],
      )
    )[0];
    return row && { state: row.state, feature: row.feature, line: row.line, wrapKey: row.wrap_key };
  }

  async pendingIds(jobId: string): Promise<string[]> {
    return (
      await this.db.all<{ custom_id: string }>(
        `SELECT custom_id FROM batch_items WHERE job_id = ? AND state = 'pending' ORDER BY line`,
        [jobId],
      )
    ).map((r) => r.custom_id);
  }

  /** Every item in submission order, with what reading its answer needs. */
  async itemKeys(jobId: string): Promise<BatchItemKey[]> {
    return (
      await this.db.all<{ custom_id: string; schema_tool: string | null; wrap_key: string | null }>(
        `SELECT custom_id, schema_tool, wrap_key FROM batch_items WHERE job_id = ? ORDER BY line`,
        [jobId],
      )
    ).map((r) => ({
      customId: r.custom_id,
      ...(r.schema_tool !== null ? { schemaTool: r.schema_tool } : {}),
      ...(r.wrap_key !== null ? { wrapKey: r.wrap_key } : {}),
    }));
  }

  async get(id: string): Promise<StoredJob | null> {
    const row = (await this.db.all<JobRow>(`SELECT * FROM batch_jobs WHERE id = ?`, [id]))[0];
    return row ? this.toJob(row) : null;
  }

  async list(limit = 100): Promise<StoredJob[]> {
    const rows = await this.db.all<JobRow>(`SELECT * FROM batch_jobs ORDER BY created_at DESC, id DESC LIMIT ?`, [
      limit,
    ]);
    return Promise.all(rows.map((r) => this.toJob(r)));
  }

  async inState(state: BatchJobState): Promise<StoredJob[]> {
    const rows = await this.db.all<JobRow>(`SELECT * FROM batch_jobs WHERE state = ? ORDER BY created_at`, [state]);
    return Promise.all(rows.map((r) => this.toJob(r)));
  }

  async activeCount(): Promise<number> {
    return (
      (
        await this.db.all<{ n: number }>(
          `SELECT COUNT(*) AS n FROM batch_jobs WHERE state IN ('submitting', 'in_progress')`,
        )
      )[0]?.n ?? 0
    );
  }

  async results(jobId: string): Promise<BatchItemResult[]> {
    const rows = await this.db.all<ItemRow>(`SELECT * FROM batch_items WHERE job_id = ? ORDER BY line`, [jobId]);
    return rows.map((r) => ({
      customId: r.custom_id,
      line: r.line,
      state: r.state,
      text: r.text,
      model: r.model,
      usage: r.usage ? (JSON.parse(r.usage) as Usage) : null,
      costUsd: r.cost_usd,
      stopReason: r.stop_reason,
      ...(r.tool_calls ? { toolCalls: JSON.parse(r.tool_calls) as ToolCall[] } : {}),
      ...(r.stop_sequence !== null ? { stopSequence: r.stop_sequence } : {}),
      errorCode: r.error_code as ErrorCode | null,
      errorMessage: r.error_message,
      requestId: batchRequestId(jobId, r.custom_id),
    }));
  }

  private async toJob(row: JobRow): Promise<StoredJob> {
    const tally = await this.db.all<{ state: BatchItemState; n: number; cost: number | null; unknown: number }>(
      `SELECT state, COUNT(*) AS n, SUM(cost_usd) AS cost, SUM(state = 'succeeded' AND cost_usd IS NULL) AS unknown FROM batch_items WHERE job_id = ? GROUP BY state`,
      [row.id],
    );
    const counts: BatchCounts = { total: 0, pending: 0, succeeded: 0, errored: 0, expired: 0, canceled: 0 };
    let cost = 0;
    let unknownPrice = false;
    for (const t of tally) {
      counts[t.state] += t.n;
      counts.total += t.n;
      cost += t.cost ?? 0;
      if (t.unknown > 0) unknownPrice = true;
    }
    const job: StoredJob = {
      id: row.id,
      provider: row.provider,
      model: row.model,
      state: row.state,
      providerBatchId: row.provider_batch_id,
      providerStatus: row.provider_status,
      feature: row.feature,
      source: row.source,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      endedAt: row.ended_at,
      nextPollAt: row.next_poll_at,
      polls: row.polls,
      counts,
      costUsd: unknownPrice ? null : cost,
      profile: row.profile,
      client: row.client,
    };
    if (row.last_error) job.lastError = JSON.parse(row.last_error) as ConduitErrorData;
    return job;
  }
}

/** The ledger's request id for one request of a batch: stable, so a second write is a no-op. */
export function batchRequestId(jobId: string, customId: string): string {
  return `${jobId}:${customId}`;
}

/** Strips what only the daemon needs. */
export function publicJob(job: StoredJob): BatchJob {
  const { profile: _profile, client: _client, ...rest } = job;
  return rest;
}
