import type { ConduitErrorData, ErrorCode } from '../../protocol';
import { isConnectTimeout } from '../providers/httpFetch';
import { UpstreamError } from '../providers/types';
import { platformErrorCode } from './platformErrors';
import { parseRetryHint } from './retryHint';

const PROVIDER_NAMES: Record<string, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  gemini: 'Gemini',
  openaiCompatible: 'the OpenAI-compatible server',
  anthropicBedrock: 'Anthropic on Bedrock',
  anthropicVertex: 'Anthropic on Vertex AI',
  geminiVertex: 'Gemini on Vertex AI',
  azureOpenai: 'Azure OpenAI',
};

/** The provider as people call it: "OpenAI", "Gemini". */
export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** Maps the facts of an upstream failure to one stable code. */
export function classifyCode(err: UpstreamError): ErrorCode {
  // undici's connect timeout arrives wrapped as a connection error unless the adapter unwrapped it.
  if (err.kind === 'connection' && isConnectTimeout(err.cause)) return 'timeout';
  switch (err.kind) {
    case 'aborted':
      return 'cancelled';
    case 'timeout':
      return 'timeout';
    case 'connection':
      return 'network';
    case 'truncated':
      return 'stream_interrupted';
    default:
      break;
  }
  const type = (err.providerType ?? '').toLowerCase();
  const code = (err.providerCode ?? '').toLowerCase();
  if (code === 'insufficient_quota' || type === 'billing_error' || err.quotaFailure) return 'quota_exhausted';
  if (type === 'overloaded_error') return 'overloaded';
  if (type === 'content_filter' || code === 'content_filter' || code === 'content_policy_violation')
    return 'content_filtered';
  if (code === 'context_length_exceeded' || type === 'request_too_large') return 'too_large';
  const platform = platformErrorCode(type, code);
  if (platform) return platform;
  switch (err.status) {
    case undefined:
      return err.kind === 'stream_error' ? streamErrorCode(type) : 'network';
    case 400:
      return 'invalid_request';
    case 401:
      return 'auth';
    case 402:
      return 'quota_exhausted';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 408:
      return 'timeout';
    case 413:
      return 'too_large';
    case 422:
      return 'invalid_request';
    case 429:
      return 'rate_limited';
    case 503:
      return type === 'unavailable' ? 'overloaded' : 'server_error';
    case 504:
      return 'timeout';
    case 529:
      return 'overloaded';
    default:
      return err.status >= 500 ? 'server_error' : 'invalid_request';
  }
}

function streamErrorCode(type: string): ErrorCode {
  if (type.includes('overloaded') || type === 'unavailable') return 'overloaded';
  if (type.includes('rate_limit') || type === 'resource_exhausted') return 'rate_limited';
  return 'stream_interrupted';
}

/**
 * Milliseconds the server asked us to wait, from the headers or Gemini's RetryInfo; undefined
 * when it said nothing usable (see parseRetryHint).
 */
export function retryAfterMs(err: UpstreamError, now: number = Date.now()): number | undefined {
  const hint = parseRetryHint(err, now);
  return hint.kind === 'wait' ? hint.ms : undefined;
}

const ADVICE: Partial<Record<ErrorCode, string>> = {
  auth: "Check the API key: run `conduit key set PROVIDER`, or set the provider's API key environment variable.",
  permission: "The key is valid but not allowed to use this model or feature; check the key's project and permissions.",
  quota_exhausted:
    "The account is out of credit or over its spend limit; add credit or raise the limit in the provider's console.",
  rate_limited: "The provider is rate-limiting this key; wait and retry, or raise the account's tier.",
  overloaded: 'The provider is overloaded; retry shortly or switch provider.',
  server_error: 'The provider had an internal error; retry shortly.',
  timeout: 'The provider did not answer in time; retry, or raise the timeout in settings.',
  network: 'Could not reach the provider; check the network, the proxy and the base URL in settings.',
  not_found: 'The model or endpoint does not exist; check the model name and the base URL.',
  invalid_request: 'The provider rejected the request; check the model and parameters.',
  too_large: 'The request is too large for this model; shorten the prompt or pick a model with a larger context.',
  content_filtered: "The provider's content filter blocked this request or its answer.",
  stream_interrupted: 'The answer stopped before it was complete; the partial text is incomplete. Retry the request.',
};

export function toErrorData(err: UpstreamError, model?: string): ConduitErrorData {
  const code = classifyCode(err);
  const name = providerName(err.provider);
  const status =
    err.status !== undefined ? ` (HTTP ${err.status}${err.providerType ? ` ${err.providerType}` : ''})` : '';
  // The advice names the provider that failed, never a placeholder.
  const advice = ADVICE[code]?.replace('PROVIDER', err.provider);
  const data: ConduitErrorData = {
    code,
    message: `${name}${status}: ${err.message}${advice ? ` ${advice}` : ''}`,
    provider: err.provider,
  };
  if (model !== undefined) data.model = model;
  if (err.status !== undefined) data.status = err.status;
  const providerCode = err.providerCode ?? err.providerType;
  if (providerCode !== undefined) data.providerCode = providerCode;
  if (err.requestId !== undefined) data.requestId = err.requestId;
  const wait = retryAfterMs(err);
  if (wait !== undefined) data.retryAfterMs = wait;
  if (err.partialText) data.partialText = err.partialText;
  return data;
}
