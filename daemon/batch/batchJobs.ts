import { ConduitError, type BatchProviderId } from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import type { KeyRing } from '../secrets/keyRing';
import { resolveKey } from '../secrets/keySource';
import type { BudgetTable } from '../usage/budgetTable';
import { BatchPoller, type PollerDeps } from './batchPoller';
import { BatchService } from './batchService';
import type { BatchProvider } from './batchTypes';
import { createBatchProvider } from './createBatchProvider';

export interface BatchJobsDeps extends Omit<PollerDeps, 'provider' | 'settings' | 'prices'> {
  config: () => ConduitConfig;
  budgets: BudgetTable;
  keys: KeyRing;
  /** Every key used is registered with the log redactor first. */
  addSecret: (key: string) => void;
}

/** The poller and the service for batch jobs, with one way of reaching a provider's Batch API. */
export function batchJobs(deps: BatchJobsDeps): { poller: BatchPoller; service: BatchService } {
  // A Batch API client with the profile's key; built per use, as polls are minutes apart.
  const provider = (id: BatchProviderId, profile: string): BatchProvider => {
    const { key } = resolveKey(id, process.env, deps.keys, profile);
    if (!key)
      throw new ConduitError({
        code: 'no_api_key',
        message: `No ${id} key for profile "${profile}". Store one with \`conduit key set ${id}\`.`,
        provider: id,
      });
    deps.addSecret(key);
    return createBatchProvider(id, { apiKey: key, baseURL: resolveProvider(deps.config(), id).baseURL });
  };
  const poller = new BatchPoller({
    ...deps,
    prices: () => deps.config().prices,
    settings: () => deps.config().batch,
    provider: (job) => provider(job.provider, job.profile),
  });
  const service = new BatchService({ store: deps.store, poller, config: deps.config, budgets: deps.budgets, provider });
  return { poller, service };
}
