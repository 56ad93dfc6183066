import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { abortedError, connectTimeoutError, isAbortError, messageOf, timeoutError } from '../commonErrors';
import { isConnectTimeout } from '../httpFetch';
import { lowerCaseHeaders } from '../headers';
import { rawBodyMessage } from '../rawBodyMessage';
import { redactSecret } from '../redact';
import type { ProviderId } from '../../../protocol';
import { UpstreamError } from '../types';

/**
 * Anything @anthropic-ai/sdk threw, as an UpstreamError. `started` means the 200 had arrived, so an
 * APIError without a status is an `event: error` from inside the stream. `provider` is the id the
 * error is reported under (Bedrock and Vertex serve the same API through the same SDK).
 */
export function anthropicUpstreamError(
  err: unknown,
  apiKey: string,
  started = false,
  provider: ProviderId = 'anthropic',
): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof APIUserAbortError) return abortedError(provider, err);
  if (isConnectTimeout(err)) return connectTimeoutError(provider, err);
  // Checked before APIConnectionError, which it extends.
  if (err instanceof APIConnectionTimeoutError) return timeoutError(provider, err);
  if (err instanceof APIConnectionError) {
    return new UpstreamError({
      provider,
      kind: 'connection',
      message: redactSecret(messageOf(err), apiKey),
      cause: err,
    });
  }
  if (err instanceof APIError) {
    const headers = lowerCaseHeaders(err.headers);
    const inBand = err.status === undefined;
    // A non-JSON body (a proxy's HTML page) reaches the SDK as the message itself.
    const message =
      err.apiMessage ?? (err.error === undefined ? rawBodyMessage(err.status, bodyText(err)) : err.message);
    return new UpstreamError({
      provider,
      kind: inBand && started ? 'stream_error' : 'http',
      message: redactSecret(message, apiKey),
      status: err.status,
      providerType: err.type ?? undefined,
      providerCode: err.errorCode ?? undefined,
      requestId: err.requestID ?? headers['request-id'],
      headers,
      cause: err,
    });
  }
  if (isAbortError(err)) return timeoutError(provider, err);
  return new UpstreamError({ provider, kind: 'connection', message: redactSecret(messageOf(err), apiKey), cause: err });
}

/** The SDK prefixes the raw body with the status ("502 <html>…"); take the status back off. */
function bodyText(err: APIError): string {
  return err.message.replace(/^\d{3}\s*/, '').replace(/^status code \(no body\)$/, '');
}
