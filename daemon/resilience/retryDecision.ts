import type { ErrorCode } from '../../protocol';
import type { UpstreamError } from '../providers/types';
import { classifyCode } from './classify';

/**
 * Codes worth another try: the provider may answer next time. `stream_interrupted` is only
 * retried while nothing reached the client, which `committed` below guards.
 */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'network',
  'stream_interrupted',
]);

export interface RetryVerdict {
  retry: boolean;
  code: ErrorCode;
  /** Why, for the log. */
  why: string;
}

/**
 * Whether a failed attempt may be tried again. This decides what to handle; how long to wait is
 * retryWait's business.
 */
export function retryVerdict(err: UpstreamError, attempt: { committed: boolean }): RetryVerdict {
  const code = classifyCode(err);
  if (code === 'cancelled') return { retry: false, code, why: 'cancelled' };
  // A retry would send the client the start of a second answer after part of the first.
  if (attempt.committed) return { retry: false, code, why: 'part of the answer already reached the client' };
  // If the server explicitly says whether or not to retry, obey.
  const header = err.headers['x-should-retry']?.trim().toLowerCase();
  if (header === 'true') return { retry: true, code, why: 'x-should-retry: true' };
  if (header === 'false') return { retry: false, code, why: 'x-should-retry: false' };
  return RETRYABLE_CODES.has(code)
    ? { retry: true, code, why: `${code} is retryable` }
    : { retry: false, code, why: `${code} is not retryable` };
}
