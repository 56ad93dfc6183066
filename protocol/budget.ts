import { RequestType } from 'vscode-jsonrpc';
import type { ConduitErrorData } from './errors';

export type BudgetPeriod = 'day' | 'month';

/** One budget (global or for a feature, per day or month) as it stands. */
export interface BudgetStatus {
  /** "global" or "feature:<name>". */
  scope: string;
  period: BudgetPeriod;
  limitUsd: number;
  /** Settled spend this period (from the ledger at start, then from requests). */
  spentUsd: number;
  /** Worst-case cost of requests in flight. */
  reservedUsd: number;
  remainingUsd: number;
  /** When the period starts afresh, ms since the epoch. */
  resetsAt: number;
}

export interface BudgetStatusResult {
  onExceed: 'block' | 'downgrade';
  budgets: BudgetStatus[];
}

export const BudgetStatusRequest = {
  method: 'budget/status',
  type: new RequestType<Record<string, never>, BudgetStatusResult, ConduitErrorData>('budget/status'),
} as const;
