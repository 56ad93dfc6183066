import { RequestType } from 'vscode-jsonrpc';
import type { BudgetStatus } from './budget';
import type { ConduitErrorData } from './errors';

/**
 * Team mode: daemons of one team share rate limits, cache, budgets and usage through Redis.
 * `off` without a Redis URL; `connected` while Redis answers; `degraded` while it does not, when
 * each daemon runs on local limits, its local cache and its share of the team budget.
 */
export type TeamMode = 'off' | 'connecting' | 'connected' | 'degraded';

export interface TeamStatus {
  mode: TeamMode;
  teamId: string;
  /** Who this daemon's requests count for in the team's usage. */
  displayName: string;
  /** The Redis address without credentials. */
  redis: string;
  /** When the mode last changed, ms since the epoch. */
  since: number;
  /** Why Redis is unreachable, while degraded. */
  problem?: string;
  /** Share of the team budget this daemon may spend while Redis is down. */
  offlineShare: number;
  /** Team budgets as Redis holds them (or this daemon's offline share of them while degraded). */
  budgets: BudgetStatus[];
  /** Ledger rows written locally and not yet appended to the team's usage stream. */
  pendingUsage: number;
  /**
   * Cache entries other daemons stored that this one has taken from the team's cache stream into
   * its local cache (and index), since it started.
   */
  cacheAdopted?: number;
}

export interface TeamUsageParams {
  /** ms since the epoch; inclusive. */
  since: number;
  /** ms since the epoch; exclusive. */
  until: number;
}

export interface TeamUsageTotal {
  /** The person's display name, or the feature. */
  name: string;
  requests: number;
  costUsd: number;
  costSavedUsd: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
}

export interface TeamUsageResult {
  teamId: string;
  since: number;
  until: number;
  total: TeamUsageTotal;
  byPerson: TeamUsageTotal[];
  byFeature: TeamUsageTotal[];
  /** Rows older than the stream's cap are gone from Redis; the oldest one it still holds. */
  oldestAt: number | null;
}

export interface TeamPasswordParams {
  /** The Redis password; sent once, stored in the OS keychain, never echoed. */
  password: string;
}

export const TeamUsageRequest = {
  method: 'team/usage',
  type: new RequestType<TeamUsageParams, TeamUsageResult, ConduitErrorData>('team/usage'),
} as const;

export const TeamPasswordRequest = {
  method: 'team/setPassword',
  type: new RequestType<TeamPasswordParams, { stored: true; store: string }, ConduitErrorData>('team/setPassword'),
} as const;
