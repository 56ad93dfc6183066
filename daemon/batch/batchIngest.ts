import { emptyUsage } from '../../protocol';
import { unwrapAnswer } from '../providers/capabilities/schemaRoot';
import { batchCostOf, type PriceOverrides } from '../usage/pricing';
import type { RequestRecord, RequestRecorder } from '../usage/requestRecord';
import { batchRequestId, type BatchStore, type StoredJob } from './batchStore';
import type { BatchOutcome } from './batchTypes';

export interface IngestDeps {
  store: BatchStore;
  recorder: RequestRecorder;
  prices: () => PriceOverrides | undefined;
  /** Each result's cost as it lands, for the budgets. */
  onSpend?: (feature: string, usd: number) => void;
  now?: () => number;
}

/**
 * Lands one result: its ledger row first, then the item. The ledger's request id is stable
 * (`<job>:<custom id>`) and its INSERT ignores a repeat, so a daemon killed between the two
 * writes records the row once when it reads the results again; an item already finished is
 * skipped before either write. Returns true when this call finished the item.
 */
export async function ingestOutcome(job: StoredJob, raw: BatchOutcome, deps: IngestDeps): Promise<boolean> {
  const item = await deps.store.item(job.id, raw.customId);
  if (!item || item.state !== 'pending') return false;
  // The answer to a schema the plan wrapped comes back inside it, and is unwrapped as a live one is.
  const outcome =
    raw.state === 'succeeded' && item.wrapKey !== null ? { ...raw, text: unwrapAnswer(raw.text, item.wrapKey) } : raw;
  const ok = outcome.state === 'succeeded';
  const model = ok ? outcome.model || job.model : job.model;
  const usage = ok ? outcome.usage : emptyUsage();
  const cost = ok ? batchCostOf(job.provider, model, usage, deps.prices()).usd : 0;
  const now = (deps.now ?? Date.now)();
  const record: RequestRecord = {
    requestId: batchRequestId(job.id, outcome.customId),
    startedAt: job.createdAt,
    client: job.client,
    feature: item.feature,
    priority: 'background',
    provider: job.provider,
    model,
    tier: null,
    experimentArm: null,
    usage,
    costUsd: cost,
    costSavedUsd: 0,
    costEstimated: false,
    latencyMs: Math.max(0, now - job.createdAt),
    ttftMs: null,
    // A request the batch never reached was not attempted.
    attempts: outcome.state === 'expired' || outcome.state === 'canceled' ? 0 : 1,
    errorCode: ok ? null : outcome.errorCode,
    httpStatus: ok ? 200 : outcome.httpStatus,
    fallbackPath: [],
    cache: 'none',
    coalesced: false,
    stream: false,
    profile: job.profile,
    sample: null,
    batchId: job.id,
  };
  await deps.recorder.record(record);
  const finished = await deps.store.finishItem(job.id, outcome, cost);
  if (finished && cost !== null && cost > 0) deps.onSpend?.(item.feature, cost);
  return finished;
}
