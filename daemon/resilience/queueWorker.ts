import type { ChatResult, ConduitErrorData, Job } from '../../protocol';
import { ConduitError } from '../../protocol';
import type { DurableQueue } from './durableQueue';

export interface QueueWorkerDeps {
  queue: DurableQueue;
  /** Runs a job's request once, through the whole pipeline, without queueing it again. */
  run(job: Job, signal: AbortSignal): Promise<ChatResult>;
  /** Whether a failure may pass with time (an outage) or is final (a bad request). */
  retryable(code: ConduitErrorData['code']): boolean;
  onFinished(job: Job): void;
  log(level: 'info' | 'warn', msg: string, fields: Record<string, unknown>): void;
  intervalMs?: number;
  /**
   * Runs nothing while set (CONDUIT_QUEUE_PAUSED=1, test-only): a test that queues several jobs
   * through slow CLI runs decides when they may run (the next daemon) rather than racing the retry wait.
   */
  paused?: boolean;
}

/**
 * Runs queued background jobs one at a time when they fall due. One at a time on purpose: the
 * queue fills during an outage, and a recovering provider should not get the backlog at once.
 */
export class QueueWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly controller = new AbortController();

  constructor(private readonly deps: QueueWorkerDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.drain(), this.deps.intervalMs ?? 2000);
    this.timer.unref();
    void this.drain();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort();
    await this.running;
  }

  /** Runs every due job; concurrent calls share one pass. */
  drain(): Promise<void> {
    if (this.deps.paused) return Promise.resolve();
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    for (;;) {
      if (this.controller.signal.aborted) return;
      const job = await this.deps.queue.claimDue().catch(() => undefined);
      if (!job) return;
      try {
        const result = await this.deps.run(job, this.controller.signal);
        if (await this.deps.queue.complete(job.id, result)) {
          this.deps.log('info', 'queued job done', { job: job.id, runs: job.runs });
          this.deps.onFinished({ ...job, state: 'done', result, updatedAt: Date.now() });
        }
      } catch (err) {
        const data: ConduitErrorData =
          err instanceof ConduitError ? err.data : { code: 'internal', message: String(err) };
        if (data.code === 'cancelled' && this.controller.signal.aborted) return; // shutting down; it runs next start
        const state = await this.deps.queue.failed(job, data, !this.deps.retryable(data.code));
        this.deps.log('warn', state === 'failed' ? 'queued job failed for good' : 'queued job waits again', {
          job: job.id,
          code: data.code,
          runs: job.runs,
        });
        if (state === 'failed') this.deps.onFinished({ ...job, state, lastError: data, updatedAt: Date.now() });
        // The provider is still down: leave the rest for a later pass.
        return;
      }
    }
  }
}
