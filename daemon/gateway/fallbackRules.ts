import type { ErrorCode } from '../../protocol';

/**
 * Failures that say nothing about the request itself, so another provider or model may well
 * answer it. A malformed or oversized request, a content filter or a cancel would fail the same
 * way everywhere, so those end the chain.
 */
const FALL_BACK_ON: ReadonlySet<ErrorCode> = new Set([
  'rate_limited',
  'quota_exhausted',
  'overloaded',
  'server_error',
  'timeout',
  'network',
  'circuit_open',
  'stream_interrupted',
  'auth',
  'permission',
  'not_found',
  'no_api_key',
]);

/** Outages, where a short "unavailable" answer helps more than a bare error. */
const DEGRADE_ON: ReadonlySet<ErrorCode> = new Set([
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'network',
  'circuit_open',
]);

export function shouldFallBack(code: ErrorCode): boolean {
  return FALL_BACK_ON.has(code);
}

export function shouldDegrade(code: ErrorCode): boolean {
  return DEGRADE_ON.has(code);
}

/** A background request waits in the durable queue only for failures that pass with time. */
export function shouldQueue(code: ErrorCode): boolean {
  return DEGRADE_ON.has(code) || code === 'quota_exhausted';
}
