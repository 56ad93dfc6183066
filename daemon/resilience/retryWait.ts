import type { UpstreamError } from '../providers/types';
import { fullJitterDelay, type BackoffSettings } from './backoff';
import { providerName } from './classify';
import { formatDuration } from './duration';
import { parseRetryHint, type HintSource } from './retryHint';

export interface RetryWaitInput {
  err: UpstreamError;
  /** 0 for the first retry. */
  retryIndex: number;
  backoff: BackoffSettings;
  /** The most all waits of this run may add up to, and how much of it is spent. */
  budgetMs: number;
  spentMs: number;
  /** Time left before the request's deadline, when it has one. */
  deadlineLeftMs?: number;
  now: number;
  random: () => number;
}

export type GiveUpReason = 'hint_over_budget' | 'budget_exhausted' | 'deadline';

export type RetryWait =
  | { kind: 'wait'; ms: number; source: 'hint'; hint: HintSource }
  /** `ignoredHint` is a hint that was present but meaningless (negative, unparseable). */
  | { kind: 'wait'; ms: number; source: 'backoff'; ignoredHint?: string }
  | { kind: 'give_up'; reason: GiveUpReason; waitMs: number; message: string };

/**
 * How long to wait before the next attempt, or why not to wait at all. A server hint wins over
 * the backoff and is never shortened; a hint the budget cannot afford is not waited out in part,
 * it fails at once, so the caller can fall back instead of parking the request. A meaningless
 * hint is ignored in favour of the normal backoff, as the SDKs do.
 */
export function retryWait(input: RetryWaitInput): RetryWait {
  const { err, budgetMs, spentMs, deadlineLeftMs } = input;
  const left = Math.max(0, budgetMs - spentMs);
  const name = providerName(err.provider);
  const hint = parseRetryHint(err, input.now);

  let wait: RetryWait;
  if (hint.kind === 'wait') {
    if (hint.ms > left) {
      const budget =
        left === budgetMs
          ? `the ${formatDuration(budgetMs)} retry budget`
          : `the ${formatDuration(left)} left of the ${formatDuration(budgetMs)} retry budget`;
      return {
        kind: 'give_up',
        reason: 'hint_over_budget',
        waitMs: hint.ms,
        message: `${name} asks to wait ${formatDuration(hint.ms)} (${hint.source}: ${hint.raw}), more than ${budget}; not waiting, so a fallback can answer sooner.`,
      };
    }
    wait = { kind: 'wait', ms: hint.ms, source: 'hint', hint: hint.source };
  } else {
    if (left <= 0) {
      return {
        kind: 'give_up',
        reason: 'budget_exhausted',
        waitMs: 0,
        message: `The ${formatDuration(budgetMs)} retry budget is spent; not retrying.`,
      };
    }
    const ms = Math.min(left, fullJitterDelay(input.retryIndex, input.backoff, input.random));
    wait =
      hint.kind === 'invalid'
        ? { kind: 'wait', ms, source: 'backoff', ignoredHint: `${hint.source}: ${hint.raw}` }
        : { kind: 'wait', ms, source: 'backoff' };
  }
  if (deadlineLeftMs !== undefined && wait.ms >= deadlineLeftMs) {
    return {
      kind: 'give_up',
      reason: 'deadline',
      waitMs: wait.ms,
      message: `Waiting ${formatDuration(wait.ms)} to retry would pass the request's deadline (${formatDuration(Math.max(0, deadlineLeftMs))} left); not retrying.`,
    };
  }
  return wait;
}
