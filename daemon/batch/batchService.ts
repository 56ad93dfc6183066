import {
  ConduitError,
  type BatchItemResult,
  type BatchJob,
  type BatchProviderId,
  type BatchSubmitParams,
  type ClientKind,
} from '../../protocol';
import type { ConduitConfig } from '../config/config';
import type { BudgetTable } from '../usage/budgetTable';
import { checkBatchBudget } from './batchBudget';
import { parseBatchLines } from './batchLines';
import { errorData, type BatchPoller } from './batchPoller';
import { publicJob, type BatchStore } from './batchStore';
import type { BatchProvider } from './batchTypes';
import { nodeCrypto } from '../platform/nodeCrypto';

export interface BatchServiceDeps {
  store: BatchStore;
  poller: BatchPoller;
  config: () => ConduitConfig;
  /** The SDK client for a provider under a key profile; throws `no_api_key` when there is no key. */
  provider: (id: BatchProviderId, profile: string) => BatchProvider;
  /** When given, a batch whose worst case does not fit the budgets is refused before it is sent. */
  budgets?: BudgetTable;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

/** `batch/*`: submit a file of requests as one provider batch, and read jobs and results back. */
export class BatchService {
  private readonly now: () => number;

  constructor(private readonly deps: BatchServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async submit(params: BatchSubmitParams, client: ClientKind): Promise<BatchJob> {
    const config = this.deps.config();
    const parsed = parseBatchLines(params, config, this.deps.env);
    if (this.deps.budgets) checkBatchBudget(this.deps.budgets, config, parsed.provider, parsed.model, parsed.entries);
    const profile = params.profile ?? config.profile;
    const provider = this.deps.provider(parsed.provider, profile);
    const id = `batch_${nodeCrypto().randomUUID()}`;
    const { store, poller } = this.deps;
    // The job is on disk before the provider hears of it, so a crash mid-submit is noticed at the next start.
    await store.create({
      id,
      provider: parsed.provider,
      model: parsed.model,
      feature: params.feature ?? 'batch',
      source: params.source ?? null,
      profile,
      client,
      entries: parsed.entries,
    });
    let providerBatchId: string;
    try {
      providerBatchId = await provider.submit(parsed.entries, parsed.model);
    } catch (err) {
      const data = errorData(err, parsed.model);
      await store.end(id, 'failed', null, data);
      throw new ConduitError({ ...data, message: `The batch was not submitted: ${data.message}` });
    }
    const firstPoll = this.now() + poller.delayAfter(0);
    await store.submitted(id, providerBatchId, firstPoll);
    poller.schedule(id, firstPoll);
    return this.job(id);
  }

  async list(limit = 100): Promise<BatchJob[]> {
    return (await this.deps.store.list(Math.min(Math.max(1, limit), 1000))).map(publicJob);
  }

  async status(id: string): Promise<BatchJob | null> {
    const job = await this.deps.store.get(id);
    return job ? publicJob(job) : null;
  }

  async results(id: string): Promise<BatchItemResult[] | null> {
    return (await this.deps.store.get(id)) ? this.deps.store.results(id) : null;
  }

  /**
   * Asks the provider to cancel, then polls at once: the job stays in progress until the provider
   * says it ended, and the poller records what finished (and the rest as cancelled) as usual.
   */
  async cancel(id: string): Promise<BatchJob> {
    const job = await this.deps.store.get(id);
    if (!job)
      throw new ConduitError({ code: 'not_found', message: `No batch ${id}; \`conduit batch list\` shows them.` });
    if (job.state !== 'in_progress' || !job.providerBatchId) {
      const why = job.state === 'submitting' ? 'is still being submitted' : `already ended (${job.state})`;
      throw new ConduitError({
        code: 'bad_request',
        message: `Batch ${id} ${why}, so there is nothing to cancel; \`conduit batch status ${id}\` shows it.`,
        provider: job.provider,
        model: job.model,
      });
    }
    let providerStatus: string | null;
    try {
      providerStatus = await this.deps.provider(job.provider, job.profile).cancel(job.providerBatchId);
    } catch (err) {
      const data = errorData(err, job.model);
      throw new ConduitError({ ...data, message: `Batch ${id} was not cancelled: ${data.message}` });
    }
    if (providerStatus !== null) await this.deps.store.providerSaid(id, providerStatus);
    const answer = await this.job(id);
    this.deps.poller.schedule(id, this.now());
    return answer;
  }

  private async job(id: string): Promise<BatchJob> {
    const job = await this.deps.store.get(id);
    if (!job) throw new ConduitError({ code: 'internal', message: `Batch ${id} vanished from batch.db.` });
    return publicJob(job);
  }
}
