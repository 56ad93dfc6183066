import { ApiError } from '@google/genai';
import { connectTimeoutError, isAbortError, messageOf, timeoutError } from '../commonErrors';
import { isConnectTimeout } from '../httpFetch';
import { rawBodyMessage } from '../rawBodyMessage';
import { redactSecret } from '../redact';
import type { ProviderId } from '../../../protocol';
import { UpstreamError } from '../types';
import { errorInfoReason, hasQuotaFailure, isStatusName, parseGoogleStatus, retryDelayMs } from './googleStatus';
import type { ResponseCapture } from './responseCapture';

function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError || (err instanceof Error && err.name === 'ApiError' && 'status' in err);
}

/**
 * Anything @google/genai threw, as an UpstreamError. `started` means the 200 had arrived, so an
 * ApiError is an error object inside the stream; the HTTP status was 200 and is left out.
 */
export function geminiUpstreamError(
  err: unknown,
  apiKey: string,
  capture: ResponseCapture,
  started = false,
  provider: ProviderId = 'gemini',
): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (isApiError(err)) {
    const parsed = parseGoogleStatus(err.message);
    const details = parsed?.details ?? [];
    const providerType = isStatusName(parsed?.status) ? parsed.status : undefined;
    const message =
      providerType !== undefined && parsed?.message !== undefined
        ? parsed.message
        : rawBodyMessage(err.status, parsed?.message ?? '');
    return new UpstreamError({
      provider,
      kind: started ? 'stream_error' : 'http',
      message: redactSecret(message, apiKey),
      status: started ? undefined : err.status,
      providerType,
      providerCode: errorInfoReason(details),
      requestId: capture.headers['x-request-id'],
      headers: capture.headers,
      retryDelayMs: retryDelayMs(details),
      quotaFailure: hasQuotaFailure(details),
      cause: err,
    });
  }
  if (isConnectTimeout(err)) return connectTimeoutError(provider, err);
  if (isAbortError(err)) return timeoutError(provider, err);
  // The SDK's own words for a body that stopped in the middle of an event.
  if (err instanceof Error && /Incomplete JSON segment/i.test(err.message)) {
    return new UpstreamError({
      provider,
      kind: 'truncated',
      message: 'The stream ended in the middle of an event.',
      cause: err,
    });
  }
  return new UpstreamError({ provider, kind: 'connection', message: redactSecret(messageOf(err), apiKey), cause: err });
}
