import type { ProviderId } from '../../protocol';
import { connectTimeoutCause } from './httpFetch';
import { UpstreamError } from './types';

/** fetch, undici and the SDKs all signal an abort with an error named AbortError. */
export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'name' in err && err.name === 'AbortError';
}

export function abortedError(provider: ProviderId, cause?: unknown): UpstreamError {
  return new UpstreamError({ provider, kind: 'aborted', message: 'The request was cancelled.', cause });
}

/** An abort nobody asked for came from a timer: the SDK's own timeout. */
export function timeoutError(provider: ProviderId, cause?: unknown): UpstreamError {
  return new UpstreamError({ provider, kind: 'timeout', message: 'The request timed out.', cause });
}

/** undici gave up opening the connection; the message names the phase for the logs and the user. */
export function connectTimeoutError(provider: ProviderId, cause: unknown): UpstreamError {
  const detail = connectTimeoutCause(cause)?.message;
  return new UpstreamError({
    provider,
    kind: 'timeout',
    message: `The connection could not be opened in time (connect timeout)${detail ? `: ${detail}` : ''}.`,
    cause,
  });
}

/** A stream that closed cleanly without its end marker: the answer is incomplete. */
export function truncatedError(provider: ProviderId, partialText: string, missing: string): UpstreamError {
  return new UpstreamError({
    provider,
    kind: 'truncated',
    message: `The stream ended before ${missing}; the answer is incomplete.`,
    partialText,
  });
}

/** The message of anything thrown, without trusting its shape. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && err.cause.message ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
