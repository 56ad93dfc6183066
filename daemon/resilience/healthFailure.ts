import type { ErrorCode } from '../../protocol';

/**
 * Failures that say something about the health of a provider's model, and so count towards
 * opening its circuit. Rate limits and quota are about this account, not the provider's health
 * (the limiter and the retry hints deal with them); a rejected request, a bad key or a cancel says
 * nothing about the provider at all.
 */
export const HEALTH_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'server_error',
  'overloaded',
  'timeout',
  'network',
  'stream_interrupted',
]);

export function isHealthFailure(code: ErrorCode): boolean {
  return HEALTH_FAILURES.has(code);
}
