import type { ConduitErrorData, ErrorCode } from '../../protocol';

/** An error the endpoint answers with, before it is put in the called API's shape. */
export interface HttpFailure {
  status: number;
  message: string;
  /** The Conduit error code, sent as x-conduit-error-code and, for OpenAI, as error.code. */
  code: string;
  /** Seconds, for the retry-after header; set on 429 and 503 when Conduit knows when. */
  retryAfterS?: number;
  /** Sent as x-should-retry: false when a retry cannot help soon (a budget, a bad request). */
  noRetry?: boolean;
  /** OpenAI's error.param: the request field at fault, when one is. */
  param?: string;
}

const STATUS: Record<ErrorCode, number> = {
  rate_limited: 429,
  quota_exhausted: 429,
  queue_full: 429,
  budget_exceeded: 429,
  overloaded: 529,
  server_error: 502,
  timeout: 504,
  network: 502,
  stream_interrupted: 502,
  // The provider refused Conduit's key: a gateway problem for the calling tool, not its own 401.
  auth: 502,
  permission: 502,
  no_api_key: 503,
  keychain_unavailable: 503,
  circuit_open: 503,
  queued: 503,
  not_found: 404,
  invalid_request: 400,
  bad_request: 400,
  guard_blocked: 400,
  content_filtered: 400,
  unknown_provider: 400,
  too_large: 413,
  invalid_output: 502,
  cancelled: 499,
  config_invalid: 500,
  // The daemon's own home is unsafe: the operator must fix it, not the calling tool.
  home_unsafe: 500,
  unauthorized: 401,
  protocol_mismatch: 400,
  daemon_unavailable: 503,
  internal: 500,
};

/** How a gateway error goes back over HTTP. */
export function failureOf(data: ConduitErrorData, budgetRetryAfterS?: () => number | undefined): HttpFailure {
  const status = STATUS[data.code] ?? 500;
  const failure: HttpFailure = { status, message: data.message, code: data.code };
  if (data.retryAfterMs !== undefined && (status === 429 || status >= 500))
    failure.retryAfterS = Math.max(1, Math.ceil(data.retryAfterMs / 1000));
  if (data.code === 'budget_exceeded') {
    const after = budgetRetryAfterS?.();
    if (after !== undefined) failure.retryAfterS = after;
    // Retrying a spent budget before the period turns only burns the client's retries.
    failure.noRetry = true;
  }
  if (status < 500 && status !== 429 && status !== 408) failure.noRetry = true;
  return failure;
}

export function badRequest(message: string): HttpFailure {
  return { status: 400, message, code: 'bad_request', noRetry: true };
}

export function notFound(message: string): HttpFailure {
  return { status: 404, message, code: 'not_found', noRetry: true };
}

/** A model name Conduit cannot serve; OpenAI's body then says `model_not_found`, as its API does. */
export function modelNotFound(message: string): HttpFailure {
  return { ...notFound(message), param: 'model' };
}
