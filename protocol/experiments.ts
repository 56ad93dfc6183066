import { RequestType } from 'vscode-jsonrpc';
import type { ProviderId } from './chat';
import type { ConduitErrorData } from './errors';

/** One arm's results from the ledger and the ratings. */
export interface ArmResult {
  arm: string;
  provider: ProviderId;
  model: string;
  /** The configured share of traffic, 0..1. */
  share: number;
  requests: number;
  errors: number;
  errorRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Mean cost of the requests with a known price. */
  costPerRequestUsd: number | null;
  ratingsUp: number;
  /** Thumbs down, retries included. */
  ratingsDown: number;
  /** Of the thumbs down, how many were retries of the answer. */
  retries: number;
  /** (up − down) / rated; null when none was rated. */
  ratingScore: number | null;
}

export interface ExperimentResult {
  id: string;
  feature: string;
  arms: ArmResult[];
}

export interface ExperimentsResultsParams {
  /** ms since the epoch; 30 days back when absent. */
  since?: number;
}

export interface ExperimentsResultsResult {
  since: number;
  experiments: ExperimentResult[];
}

export const ExperimentsResultsRequest = {
  method: 'experiments/results',
  type: new RequestType<ExperimentsResultsParams, ExperimentsResultsResult, ConduitErrorData>('experiments/results'),
} as const;
