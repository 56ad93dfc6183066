import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { Usage } from './chat';
import type { ToolCall } from './tools';
import type { ConduitErrorData, ErrorCode } from './errors';

/** The providers that have a Batch API. */
export const BatchProviderIds = ['anthropic', 'openai', 'gemini'] as const;
export type BatchProviderId = (typeof BatchProviderIds)[number];

/**
 * A batch job's life: `submitting` until the provider accepted it, `in_progress` while Conduit
 * polls, then `ended` once every request's result is recorded. `failed` means the provider
 * refused or lost the whole batch; `expired` that it ran out of time (finished requests still
 * have their results); `canceled` that it was cancelled (`conduit batch cancel`) before every
 * request ran (finished requests still have their results).
 */
export type BatchJobState = 'submitting' | 'in_progress' | 'ended' | 'failed' | 'expired' | 'canceled';

/** One request's outcome; `pending` until the batch ends. */
export type BatchItemState = 'pending' | 'succeeded' | 'errored' | 'expired' | 'canceled';

export interface BatchCounts {
  total: number;
  pending: number;
  succeeded: number;
  errored: number;
  expired: number;
  canceled: number;
}

export interface BatchJob {
  /** Conduit's id, e.g. `batch_…`; the provider's own id is `providerBatchId`. */
  id: string;
  provider: BatchProviderId;
  model: string;
  state: BatchJobState;
  providerBatchId: string | null;
  /** What the provider last said, in its own words (`in_progress`, `finalizing`, `JOB_STATE_RUNNING`…). */
  providerStatus: string | null;
  feature: string;
  /** Where the requests came from (a file name), for people reading `batch list`. */
  source: string | null;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
  /** When Conduit will ask the provider next; null once the job is over. */
  nextPollAt: number | null;
  polls: number;
  counts: BatchCounts;
  /** Sum of the recorded results, at the provider's batch prices; null while any price is unknown. */
  costUsd: number | null;
  /** Why the job failed, or the last poll error while it keeps trying. */
  lastError?: ConduitErrorData;
}

export interface BatchItemResult {
  customId: string;
  /** The line of the submitted file (1-based), or the request's position when none. */
  line: number;
  state: BatchItemState;
  text: string | null;
  model: string | null;
  usage: Usage | null;
  costUsd: number | null;
  stopReason: string | null;
  /** The tool calls the answer made, as a live ChatResult's `toolCalls`; absent when none. */
  toolCalls?: ToolCall[];
  /** The stop sequence the answer ended at, as a live ChatResult's `stopSequence` (Anthropic names it; OpenAI and Gemini do not). */
  stopSequence?: string;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  /** The ledger row's request id (`<job id>:<customId>`), for `conduit usage` and ratings. */
  requestId: string;
}

export interface BatchSubmitParams {
  /**
   * The JSON lines: each a ChatRequest, optionally with a `custom_id` (letters, digits, `_` and
   * `-`, at most 64). Blank lines are skipped but still counted, so problems name the real line.
   */
  lines: string[];
  provider?: BatchProviderId;
  model?: string;
  /** The feature every line without its own is recorded under; "batch" when absent. */
  feature?: string;
  source?: string;
  /** The key set to use; the daemon's configured profile when absent. */
  profile?: string;
}

export const BatchSubmitRequest = {
  method: 'batch/submit',
  type: new RequestType<BatchSubmitParams, BatchJob, ConduitErrorData>('batch/submit'),
} as const;

export const BatchListRequest = {
  method: 'batch/list',
  type: new RequestType<{ limit?: number }, BatchJob[], ConduitErrorData>('batch/list'),
} as const;

export const BatchStatusRequest = {
  method: 'batch/status',
  type: new RequestType<{ id: string }, BatchJob | null, ConduitErrorData>('batch/status'),
} as const;

export const BatchResultsRequest = {
  method: 'batch/results',
  type: new RequestType<{ id: string }, BatchItemResult[] | null, ConduitErrorData>('batch/results'),
} as const;

/**
 * Asks the provider to cancel a running job and answers with the job as it stands. The job stays
 * `in_progress` (provider status `canceling`/`cancelling`) until the provider says it ended; the
 * requests that finished keep their results. A job that is already over is refused.
 */
export const BatchCancelRequest = {
  method: 'batch/cancel',
  type: new RequestType<{ id: string }, BatchJob, ConduitErrorData>('batch/cancel'),
} as const;

/** Sent to every client when a batch job is over (ended, failed, expired or canceled). */
export const BatchFinishedNotification = {
  method: 'batch/finished',
  type: new NotificationType<BatchJob>('batch/finished'),
} as const;
