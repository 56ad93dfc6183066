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
  /** Thumbs up / rated, with its 95% Wilson score interval; null when none was rated. */
  upRate?: number | null;
  upRateCi?: Interval | null;
  /** 95% interval of the mean cost per request (normal approximation); null below two priced requests. */
  costCi?: Interval | null;
  /** Mean latency of the successful requests, and its 95% interval (normal approximation). */
  latencyMeanMs?: number | null;
  latencyCi?: Interval | null;
}

/** A 95% confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/** Which arm wins on one measure, or why none is named. */
export interface ArmComparison {
  metric: 'thumbsUp' | 'cost' | 'latency';
  /** The arm whose 95% interval lies wholly on the better side of every other arm's; null when none does. */
  winner: string | null;
  /** What was compared and, when there is no winner, why ("intervals overlap", "too few ratings"). */
  note: string;
}

export interface ExperimentResult {
  id: string;
  feature: string;
  arms: ArmResult[];
  comparisons?: ArmComparison[];
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
