import type { ResilienceConfig } from '../config/config';
import { MIN_CALL_TIMEOUT_MS, type AttemptTimeouts } from './resilienceSettings';

export interface DeadlinePolicy {
  timeouts: AttemptTimeouts;
  /** The whole request, every attempt, wait and fallback included. */
  requestMs: number;
  /**
   * A first-byte timeout moves to the next fallback instead of retrying the same provider (the
   * gateway applies it only where a next target exists; the last one retries within the deadline).
   */
  firstByteFailsOver: boolean;
}

/**
 * Someone waits on an interactive request; nobody waits on a background one. So an interactive
 * request gets a shorter overall deadline (`interactiveRequestMs`, 60 s) and first-byte timeout
 * (`interactiveFirstByteMs`, 15 s), and a provider that accepts the connection but sends nothing
 * costs one first-byte timeout before the fallback chain takes over, not every retry up to the
 * deadline. Background requests keep the long defaults (`requestMs` 300 s, `firstByteMs` 60 s)
 * and retry as before. A per-feature first-byte setting wins for both.
 */
export function deadlinePolicy(
  cfg: ResilienceConfig['timeouts'],
  feature: string | undefined,
  priority: 'interactive' | 'background' | undefined,
): DeadlinePolicy {
  const interactive = priority !== 'background';
  const byFeature = feature !== undefined ? cfg.firstByteMsByFeature[feature] : undefined;
  const firstByteMs =
    byFeature ?? (interactive ? Math.min(cfg.interactiveFirstByteMs, cfg.firstByteMs) : cfg.firstByteMs);
  const requestMs = interactive ? Math.min(cfg.interactiveRequestMs, cfg.requestMs) : cfg.requestMs;
  return {
    timeouts: { firstByteMs, streamIdleMs: cfg.streamIdleMs, callMs: Math.max(firstByteMs, MIN_CALL_TIMEOUT_MS) },
    requestMs,
    firstByteFailsOver: interactive,
  };
}
