import type { HttpFailure } from '../errorStatus';

/** Anthropic's error.type by status (its API's table; see docs/local-endpoint.md). */
const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** `{"type":"error","error":{"type","message"},"request_id"}`, as the Anthropic API answers. */
export function anthropicErrorBody(
  failure: HttpFailure,
  requestId: string,
): { type: 'error'; error: { type: string; message: string }; request_id: string } {
  return {
    type: 'error',
    error: { type: anthropicErrorType(failure.status), message: failure.message },
    request_id: requestId,
  };
}
