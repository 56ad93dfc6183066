import type { ChatRequest, ChatResult, ConduitErrorData, Job, JobState } from '../../protocol';
import type { SqlValue } from '../usage/sqlite';
import { nodeCrypto } from '../platform/nodeCrypto';

/** The little of SQLite the queue needs (SqliteDb provides it). */
export interface QueueDb {
  exec(sql: string): Promise<void>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

interface JobRow {
  id: string;
  state: JobState;
  created_at: number;
  updated_at: number;
  runs: number;
  request: string;
  last_error: string | null;
  result: string | null;
  next_run_at: number;
}

const HELD_ERROR: ConduitErrorData = {
  code: 'internal',
  message:
    'The daemon stopped after this job was sent upstream and before its answer was recorded; the provider may have answered and billed it. It is held: run `conduit jobs retry ID` to send it again (set queue.rerunUnfinished to re-run such jobs automatically).',
};

const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;
/** A queued job that keeps failing for this long is given up, with its last error. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;

/**
 * Background requests that failed for a reason that passes (an outage, a rate limit) wait here
 * and run again later. Every state change is one UPDATE guarded by the state it expects, so a
 * job completes at most once even when two runs race, and a job a crashed daemon was running is
 * simply queued again at the next start: it never completed, so running it again is right.
 */
export class DurableQueue {
  /**
   * When the earliest queued job falls due: null when none is queued, undefined when not known.
   * The worker asks every 2 s; with this it asks SQLite only when a job may be due, so an idle
   * daemon sends its database thread nothing and the thread can sleep (daemon/compose/idleTrim.ts).
   * The daemon is the queue's only writer; every change that can queue a job forgets it.
   */
  private nextDue: number | null | undefined;
  private changes = 0;

  constructor(
    private readonly db: QueueDb,
    private readonly now: () => number = Date.now,
  ) {}

  async init(rerunUnfinished = false): Promise<void> {
    this.forgetNextDue();
    await this.db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      runs INTEGER NOT NULL DEFAULT 0,
      request TEXT NOT NULL,
      last_error TEXT,
      result TEXT,
      next_run_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS jobs_due ON jobs(state, next_run_at);`);
    // A job still 'running' was claimed (marked sent) and may have reached the provider, which
    // may have billed it; no provider documents idempotency for message creation, so it is held
    // for the user's decision (`conduit jobs retry ID`) unless the setting allows a blind re-run.
    if (rerunUnfinished) {
      await this.db.run(`UPDATE jobs SET state = 'queued', updated_at = ? WHERE state = 'running'`, [this.now()]);
    } else {
      await this.db.run(`UPDATE jobs SET state = 'held', last_error = ?, updated_at = ? WHERE state = 'running'`, [
        JSON.stringify(HELD_ERROR),
        this.now(),
      ]);
    }
  }

  /** Counts jobs still waiting; the daemon stays up for them rather than idling out. */
  async pendingCount(): Promise<number> {
    const rows = await this.db.all<{ n: number }>(
      `SELECT COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running')`,
    );
    return rows[0]?.n ?? 0;
  }

  async enqueue(request: ChatRequest, error: ConduitErrorData): Promise<string> {
    const id = `job_${nodeCrypto().randomUUID()}`;
    const now = this.now();
    const wait = Math.max(FIRST_RETRY_MS, error.retryAfterMs ?? 0);
    this.forgetNextDue();
    await this.db.run(
      `INSERT INTO jobs (id, state, created_at, updated_at, runs, request, last_error, next_run_at) VALUES (?, 'queued', ?, ?, 0, ?, ?, ?)`,
      [id, now, now, JSON.stringify({ ...request, stream: false }), JSON.stringify(error), now + wait],
    );
    return id;
  }

  /** Takes the next due job, marking it running; undefined when none is due. */
  async claimDue(): Promise<Job | undefined> {
    const now = this.now();
    if (this.nextDue === null || (this.nextDue !== undefined && now < this.nextDue)) return undefined;
    const seen = this.changes;
    const rows = await this.db.all<JobRow>(
      `SELECT * FROM jobs WHERE state = 'queued' AND next_run_at <= ? ORDER BY next_run_at LIMIT 1`,
      [now],
    );
    const row = rows[0];
    if (!row) {
      const next = await this.db.all<{ t: number | null }>(
        `SELECT MIN(next_run_at) AS t FROM jobs WHERE state = 'queued'`,
      );
      // A change meanwhile (a job queued between the two reads) leaves it unknown, so the next pass looks.
      if (this.changes === seen) this.nextDue = next[0]?.t ?? null;
      return undefined;
    }
    const { changes } = await this.db.run(
      `UPDATE jobs SET state = 'running', runs = runs + 1, updated_at = ? WHERE id = ? AND state = 'queued'`,
      [now, row.id],
    );
    if (changes !== 1) return undefined;
    return toJob({ ...row, state: 'running', runs: row.runs + 1, updated_at: now });
  }

  async complete(id: string, result: ChatResult): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE jobs SET state = 'done', result = ?, updated_at = ? WHERE id = ? AND state = 'running'`,
      [JSON.stringify(result), this.now(), id],
    );
    return changes === 1;
  }

  /** A run failed: queue it again with a longer wait, or give up when the error is final or too old. */
  async failed(job: Job, error: ConduitErrorData, final: boolean): Promise<JobState> {
    const now = this.now();
    const giveUp = final || now - job.createdAt > GIVE_UP_AFTER_MS;
    const wait = Math.max(Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** job.runs), error.retryAfterMs ?? 0);
    const state: JobState = giveUp ? 'failed' : 'queued';
    this.forgetNextDue();
    await this.db.run(
      `UPDATE jobs SET state = ?, last_error = ?, updated_at = ?, next_run_at = ? WHERE id = ? AND state = 'running'`,
      [state, JSON.stringify(error), now, now + wait, job.id],
    );
    return state;
  }

  /** Makes every queued job due now: the provider looks healthy again. */
  /** A held or failed job goes back to the queue, due now; the user accepts a possible second bill. */
  async retry(id: string): Promise<Job | null> {
    const now = this.now();
    this.forgetNextDue();
    const { changes } = await this.db.run(
      `UPDATE jobs SET state = 'queued', next_run_at = ?, updated_at = ? WHERE id = ? AND state IN ('held', 'failed')`,
      [now, now, id],
    );
    return changes === 1 ? this.get(id) : null;
  }

  async wake(): Promise<void> {
    this.forgetNextDue();
    await this.db.run(`UPDATE jobs SET next_run_at = ? WHERE state = 'queued' AND next_run_at > ?`, [
      this.now(),
      this.now(),
    ]);
  }

  private forgetNextDue(): void {
    this.changes++;
    this.nextDue = undefined;
  }

  async get(id: string): Promise<Job | null> {
    const rows = await this.db.all<JobRow>(`SELECT * FROM jobs WHERE id = ?`, [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async list(states?: JobState[], limit = 100): Promise<Job[]> {
    const filter = states && states.length ? `WHERE state IN (${states.map(() => '?').join(', ')})` : '';
    const rows = await this.db.all<JobRow>(`SELECT * FROM jobs ${filter} ORDER BY created_at DESC LIMIT ?`, [
      ...(states ?? []),
      limit,
    ]);
    return rows.map(toJob);
  }
}

function toJob(row: JobRow): Job {
  const job: Job = {
    id: row.id,
    state: row.state,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runs: row.runs,
    request: JSON.parse(row.request) as ChatRequest,
  };
  if (row.last_error) job.lastError = JSON.parse(row.last_error) as ConduitErrorData;
  if (row.result) job.result = JSON.parse(row.result) as ChatResult;
  return job;
}
