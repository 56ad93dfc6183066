import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ChatRequest, ChatResult } from './chat';
import type { ConduitErrorData } from './errors';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

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

/** Sent to every client when a queued job finishes, either way. */
export const JobFinishedNotification = {
  method: 'jobs/finished',
  type: new NotificationType<Job>('jobs/finished'),
} as const;
