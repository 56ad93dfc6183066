/**
 * Stable error codes. Clients switch on `code`, never on the message text, so a code is never
 * renamed once shipped. `message` is for humans: what happened and what to do next.
 */
export const ErrorCodes = [
  // Upstream (provider) errors, normalized across providers.
  'rate_limited',
  'quota_exhausted',
  'overloaded',
  'server_error',
  'timeout',
  'network',
  'auth',
  'permission',
  'not_found',
  'invalid_request',
  'too_large',
  'content_filtered',
  'stream_interrupted',
  // Conduit's own outcomes.
  'cancelled',
  /** The provider's circuit is open after repeated failures; nothing was sent. */
  'circuit_open',
  /** A background request could not run now and waits in the durable queue. */
  'queued',
  'budget_exceeded',
  'queue_full',
  'no_api_key',
  /** The OS keychain cannot be reached, is locked or refused access; nothing was stored. */
  'keychain_unavailable',
  /** The guard refused the input (a secret with `block`, a moderation flag) or the output. */
  'guard_blocked',
  /** The answer failed its format check (JSON) even after one repair attempt. */
  'invalid_output',
  'config_invalid',
  /** An entry in CONDUIT_HOME is not safe to use (another user's, a link, the wrong kind); the message names it. */
  'home_unsafe',
  'unknown_provider',
  // The IPC layer.
  'unauthorized',
  'protocol_mismatch',
  'bad_request',
  'daemon_unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

/** The error shape that crosses every boundary: daemon to client, extension to webview. */
export interface ConduitErrorData {
  code: ErrorCode;
  message: string;
  provider?: string;
  model?: string;
  /** HTTP status of the upstream response, when there was one. */
  status?: number;
  /** The provider's own error type or code, e.g. `rate_limit_error` or `insufficient_quota`. */
  providerCode?: string;
  /** The provider's request id, for support tickets. */
  requestId?: string;
  /** How long the server asked us to wait, in milliseconds. */
  retryAfterMs?: number;
  /** Text that had already streamed before the failure; it is incomplete. */
  partialText?: string;
  /** Every attempt made, across fallbacks, when the failure came from upstream. */
  attemptLog?: AttemptLogEntry[];
  /** The fallbacks tried, in order. */
  fallbacks?: string[];
  /** For `queued`: the durable job that will run the request later. */
  jobId?: string;
}

/** Mirrors chat.ts AttemptRecord; repeated here so errors.ts imports nothing. */
export interface AttemptLogEntry {
  provider: string;
  model: string;
  error?: string;
  status?: number;
  delayMs: number;
  durationMs: number;
}

/**
 * JSON-RPC error codes for Conduit errors. The JSON-RPC `data` field carries ConduitErrorData;
 * the numeric code only separates "our" errors from transport-level ones.
 */
export const RpcErrorCodes = {
  conduitError: -32001,
  unauthorized: -32002,
  /** vscode-jsonrpc's own code for a request cancelled through `$/cancelRequest`. */
  requestCancelled: -32800,
} as const;

export function isConduitErrorData(value: unknown): value is ConduitErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' && typeof v.message === 'string' && (ErrorCodes as readonly string[]).includes(v.code)
  );
}

/** An error that carries ConduitErrorData across a throw. Plain JS, so both ends can use it. */
export class ConduitError extends Error {
  readonly data: ConduitErrorData;

  constructor(data: ConduitErrorData) {
    super(data.message);
    this.name = 'ConduitError';
    this.data = data;
  }

  get code(): ErrorCode {
    return this.data.code;
  }
}
