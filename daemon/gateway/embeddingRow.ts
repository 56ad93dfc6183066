import { emptyUsage, type ProviderId } from '../../protocol';
import type { RequestRecord } from '../usage/requestRecord';

/**
 * An embeddings request's ledger row, its fields filled when it is written: the latency is
 * measured then, and each path (hit, miss, coalesced, refused) sets what it knows.
 */
export function embeddingRowFor(
  req: { requestId: string; clientName: string; feature: string },
  provider: ProviderId,
  model: string,
  profile: string,
  costEstimated: boolean,
): (fields: Partial<RequestRecord>) => RequestRecord {
  const startedAt = Date.now();
  const started = performance.now();
  return (fields) => ({
    requestId: req.requestId,
    startedAt,
    client: 'other',
    clientName: req.clientName,
    feature: req.feature,
    priority: 'interactive',
    provider,
    model,
    tier: null,
    experimentArm: null,
    usage: emptyUsage(),
    costUsd: 0,
    costSavedUsd: 0,
    costEstimated,
    latencyMs: performance.now() - started,
    ttftMs: null,
    attempts: 0,
    errorCode: null,
    httpStatus: null,
    fallbackPath: [],
    cache: 'none',
    coalesced: false,
    stream: false,
    profile,
    sample: null,
    ...fields,
  });
}
