import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ChatRequest, ChatResult } from './chat';
import type { ConduitErrorData } from './errors';

/**
 * `held`: the daemon stopped after the job was sent upstream and before its answer was recorded.
 * The provider may have answered and billed it, so it is not sent again until the user says so
 * (`jobs/retry`), unless `queue.rerunUnfinished` is on.
 */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'held';

/** A background request kept in the durable queue until its provider is healthy again. */
export interface Job {
  id: string;
  state: JobState;
  createdAt: number;
  updatedAt: number;
  /** Runs attempted after the first failure. */
  runs: number;
  request: ChatRequest;
  /** Why it is waiting, or why it finally failed. */
  lastError?: ConduitErrorData;
  result?: ChatResult;
}

export interface JobsListParams {
  states?: JobState[];
  limit?: number;
}

export const JobsListRequest = {
  method: 'jobs/list',
  type: new RequestType<JobsListParams, Job[], ConduitErrorData>('jobs/list'),
} as const;

export const JobsGetRequest = {
  method: 'jobs/get',
  type: new RequestType<{ id: string }, Job | null, ConduitErrorData>('jobs/get'),
} as const;

/** Sends a held (or failed) job again: the user accepts that it may be billed twice. */
export const JobsRetryRequest = {
  method: 'jobs/retry',
  type: new RequestType<{ id: string }, Job | null, ConduitErrorData>('jobs/retry'),
} as const;

/** Sent to every client when a queued job finishes, either way. */
export const JobFinishedNotification = {
  method: 'jobs/finished',
  type: new NotificationType<Job>('jobs/finished'),
} as const;
