import type { UpstreamError } from '../providers/types';

export type HintSource = 'retry-after-ms' | 'retry-after' | 'RetryInfo';

/** What the server said about when to come back. */
export type RetryHint =
  | { kind: 'none' }
  | { kind: 'wait'; ms: number; source: HintSource; raw: string }
  /** Present but meaningless (negative, unparseable): ignored, normal backoff applies. */
  | { kind: 'invalid'; source: HintSource; raw: string };

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date), then Gemini's RetryInfo,
 * the order the Stainless SDKs use. The first valid one wins; an invalid one does not hide a valid
 * one behind it. A date in the past means "now".
 */
export function parseRetryHint(err: UpstreamError, now: number): RetryHint {
  let invalid: RetryHint | undefined;
  const candidates: Array<[HintSource, string | undefined, (raw: string) => number | undefined]> = [
    ['retry-after-ms', err.headers['retry-after-ms'], (raw) => scaled(raw, 1)],
    ['retry-after', err.headers['retry-after'], (raw) => secondsOrDate(raw, now)],
    ['RetryInfo', err.retryDelayMs === undefined ? undefined : String(err.retryDelayMs), (raw) => scaled(raw, 1)],
  ];
  for (const [source, raw, parse] of candidates) {
    if (raw === undefined) continue;
    const ms = parse(raw.trim());
    if (ms !== undefined) return { kind: 'wait', ms, source, raw };
    invalid ??= { kind: 'invalid', source, raw };
  }
  return invalid ?? { kind: 'none' };
}

/** A non-negative decimal number times `unit`, in whole ms. */
function scaled(raw: string, unit: number): number | undefined {
  if (!NUMBER.test(raw)) return undefined;
  const n = Number(raw) * unit;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

function secondsOrDate(raw: string, now: number): number | undefined {
  if (NUMBER.test(raw)) return scaled(raw, 1000);
  // Date.parse accepts odd things like "-5"; an HTTP date always has a day or month name.
  if (!/[a-z]/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
