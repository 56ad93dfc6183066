import { ConduitError, type BatchJob, type ConduitErrorData } from '../../protocol';
import { UpstreamError } from '../providers/types';
import { backoffCeiling } from '../resilience/backoff';
import { toErrorData } from '../resilience/classify';
import { ingestOutcome, type IngestDeps } from './batchIngest';
import type { BatchSettings } from './batchSettings';
import { publicJob, type StoredJob } from './batchStore';
import type { BatchOutcome, BatchProvider, BatchRemoteStatus } from './batchTypes';
import { erroredOutcome, unprocessedOutcome } from './itemError';

export type BatchLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface PollerDeps extends IngestDeps {
  provider: (job: StoredJob) => BatchProvider;
  settings: () => BatchSettings;
  log: BatchLog;
  onFinished: (job: BatchJob) => void;
}

/**
 * Asks the provider about each running batch, less often the longer it runs (the wait doubles
 * from pollInitialMs up to pollMaxMs), and lands the results when it ends. The schedule lives
 * in batch.db (next_poll_at, polls), so a restarted daemon picks up every job where the last
 * one left it, with the same backoff.
 */
export class BatchPoller {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly now: () => number;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** At daemon start: resume every running job; settle the ones a crash caught mid-submit. */
  async start(): Promise<void> {
    for (const job of await this.deps.store.inState('submitting')) {
      // Whether the provider got it is unknown; submitting again could run (and bill) it twice.
      await this.deps.store.end(job.id, 'failed', null, {
        code: 'internal',
        message: `The daemon stopped while submitting batch ${job.id} to ${job.provider}, so whether it arrived is unknown. Check the provider's console before submitting the file again.`,
      });
    }
    for (const job of await this.deps.store.inState('in_progress')) this.schedule(job.id, job.nextPollAt ?? this.now());
  }

  /** The wait before the poll after `polls` earlier ones. */
  delayAfter(polls: number): number {
    const s = this.deps.settings();
    return backoffCeiling(polls, { baseDelayMs: s.pollInitialMs, maxDelayMs: Math.max(s.pollInitialMs, s.pollMaxMs) });
  }

  schedule(id: string, at: number): void {
    if (this.abort.signal.aborted) return;
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        void this.pollNow(id);
      },
      Math.max(0, at - this.now()),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  /** One poll of one job; a second call while one runs waits for it instead. */
  pollNow(id: string): Promise<void> {
    let run = this.running.get(id);
    if (!run) {
      run = this.poll(id)
        .catch((err: unknown) => {
          this.deps.log('error', 'batch poll failed unexpectedly', {
            batch: id,
            err: err instanceof Error ? err.message : String(err),
          });
        })
        .finally(() => this.running.delete(id));
      this.running.set(id, run);
    }
    return run;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.running.values());
  }

  private async poll(id: string): Promise<void> {
    const { store } = this.deps;
    const job = await store.get(id);
    if (!job || job.state !== 'in_progress' || !job.providerBatchId) return;
    const provider = this.deps.provider(job);
    const signal = this.abort.signal;
    let status: BatchRemoteStatus;
    try {
      status = await provider.status(job.providerBatchId, signal);
      if (status.state === 'in_progress') {
        await this.again(job, status.providerStatus, null);
        return;
      }
      if (status.state !== 'failed') {
        for await (const outcome of provider.results(job.providerBatchId, await store.itemKeys(id), signal)) {
          await ingestOutcome(job, outcome, this.deps);
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      const data = errorData(err, job.model);
      this.deps.log('warn', 'batch poll failed; trying again later', {
        batch: id,
        provider: job.provider,
        code: data.code,
        message: data.message,
      });
      await this.again(job, null, data);
      return;
    }
    // Whatever has no result by now never will: the batch failed, expired or was cancelled first.
    const fill = (customId: string): BatchOutcome =>
      status.state === 'failed'
        ? erroredOutcome(job.provider, customId, {
            status: 400,
            message: status.message ?? 'the provider failed the whole batch',
          })
        : unprocessedOutcome(customId, status.unfinished ?? 'expired');
    for (const customId of await store.pendingIds(id)) await ingestOutcome(job, fill(customId), this.deps);
    const failure: ConduitErrorData | null =
      status.state === 'failed'
        ? {
            code: 'invalid_request',
            message: `${job.provider} failed batch ${id}: ${status.message ?? 'no reason given'}.`,
            provider: job.provider,
            model: job.model,
          }
        : null;
    // Anthropic ends an expired or cancelled batch as "ended" with expired or canceled results;
    // say what happened either way. A cancel that came after every request ran changed nothing: ended.
    const counts = (await store.get(id))?.counts;
    const state =
      status.state !== 'ended'
        ? status.state
        : (counts?.canceled ?? 0) > 0
          ? 'canceled'
          : (counts?.expired ?? 0) > 0
            ? 'expired'
            : 'ended';
    await store.end(id, state, status.providerStatus, failure);
    const ended = await store.get(id);
    this.deps.log('info', 'batch finished', {
      batch: id,
      provider: job.provider,
      state: status.state,
      counts: ended?.counts,
    });
    if (ended) this.deps.onFinished(publicJob(ended));
  }

  private async again(job: StoredJob, providerStatus: string | null, error: ConduitErrorData | null): Promise<void> {
    const at = this.now() + this.delayAfter(job.polls + 1);
    await this.deps.store.polled(job.id, providerStatus, at, error);
    this.schedule(job.id, at);
  }
}

export function errorData(err: unknown, model?: string): ConduitErrorData {
  if (err instanceof ConduitError) return err.data;
  if (err instanceof UpstreamError) return toErrorData(err, model);
  return {
    code: 'internal',
    message: `Conduit hit an internal error: ${err instanceof Error ? err.message : String(err)}. See the daemon log.`,
  };
}
