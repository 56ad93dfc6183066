import { emptyUsage } from '../protocol';
import type { RequestRecord } from '../daemon/usage/requestRecord';

/** A small answered request as the ledger records it: the row the reply-path benchmarks write. */
export function benchRecord(i: number, at: number = Date.now()): RequestRecord {
  return {
    requestId: `0b6c1c2e-8a1f-4f1e-9d3c-${String(i).padStart(12, '0')}`,
    startedAt: at,
    client: 'cli',
    feature: 'ask',
    priority: 'interactive',
    provider: 'openai',
    model: 'gpt-bench',
    tier: null,
    experimentArm: null,
    usage: { ...emptyUsage(), input_tokens: 12, output_tokens: 300 },
    costUsd: 0.00012,
    costSavedUsd: 0,
    costEstimated: false,
    latencyMs: 1.234,
    ttftMs: null,
    attempts: 1,
    errorCode: null,
    httpStatus: null,
    fallbackPath: [],
    cache: 'none',
    coalesced: false,
    stream: false,
    profile: 'default',
    sample: null,
  };
}
