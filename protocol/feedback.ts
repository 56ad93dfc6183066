import { RequestType } from 'vscode-jsonrpc';
import type { ConduitErrorData } from './errors';

/** A user's thumbs up (1) or down (-1) on one answer, by the request id it was asked under. */
export interface FeedbackRateParams {
  requestId: string;
  rating: 1 | -1;
  /** What the answer was for, e.g. "ask" or "explain". */
  feature?: string;
  /** "retry": the user asked again instead of rating; counted as a thumbs down. */
  reason?: 'retry' | 'user';
}

export const FeedbackRateRequest = {
  method: 'feedback/rate',
  type: new RequestType<FeedbackRateParams, { recorded: boolean }, ConduitErrorData>('feedback/rate'),
} as const;
