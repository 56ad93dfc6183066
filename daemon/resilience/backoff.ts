export interface BackoffSettings {
  baseDelayMs: number;
  /** The most one wait may be. */
  maxDelayMs: number;
}

/** The ceiling of the n-th retry's wait (n from 0): base·2ⁿ, capped. */
export function backoffCeiling(retryIndex: number, settings: BackoffSettings): number {
  return Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retryIndex);
}

/**
 * "Full jitter": a uniform wait between 0 and the ceiling. Spreading retries over the whole range
 * keeps many clients that failed together from coming back together.
 */
export function fullJitterDelay(
  retryIndex: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  return Math.round(random() * backoffCeiling(retryIndex, settings));
}
