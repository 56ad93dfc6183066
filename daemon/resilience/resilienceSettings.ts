import type { ResilienceConfig } from '../config/config';
import type { BackoffSettings } from './backoff';
import { systemTimers, type Timers } from './timers';

export interface RetrySettings extends BackoffSettings {
  /** Attempts per provider/model, the first included. */
  maxAttempts: number;
  /** The most all waits of one provider/model's run may add up to. */
  retryBudgetMs: number;
}

export interface AttemptTimeouts {
  /** Streams: until the first event. */
  firstByteMs: number;
  /** Streams: between events (pings do not count). */
  streamIdleMs: number;
  /** Non-streamed calls: until the whole response is in. */
  callMs: number;
}

/** The end of the whole request, every attempt, wait and fallback included. */
export interface Deadline {
  /** On the executor's clock. */
  at: number;
  /** The full allowance, for messages. */
  totalMs: number;
}

/**
 * A non-streamed call's "first byte" is the whole answer, which a long generation takes minutes
 * to produce, so it gets at least this long; the request deadline still bounds it.
 */
export const MIN_CALL_TIMEOUT_MS = 120_000;

export function retrySettings(cfg: ResilienceConfig): RetrySettings {
  return {
    maxAttempts: cfg.maxAttempts,
    baseDelayMs: cfg.baseDelayMs,
    maxDelayMs: cfg.maxDelayMs,
    retryBudgetMs: cfg.retryBudgetMs,
  };
}

export function attemptTimeouts(cfg: ResilienceConfig['timeouts'], feature?: string): AttemptTimeouts {
  const firstByteMs = (feature !== undefined ? cfg.firstByteMsByFeature[feature] : undefined) ?? cfg.firstByteMs;
  return { firstByteMs, streamIdleMs: cfg.streamIdleMs, callMs: Math.max(firstByteMs, MIN_CALL_TIMEOUT_MS) };
}

/** Call once per logical request, and pass the same deadline to each provider/model's run. */
export function startDeadline(requestMs: number, timers: Timers = systemTimers): Deadline {
  return { at: timers.now() + requestMs, totalMs: requestMs };
}
