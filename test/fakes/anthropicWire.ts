import type { ScriptedError } from './script';
import { resolvedUsage, scriptDeltas, scriptText } from './script';
import type { SseEvent } from './sse';
import type { PlannedEvent, WireFormat, WireRequest } from './wireFormat';
import { bearerToken, headerValue, isRecord } from './wireFormat';

/** Anthropic's error.type for each status, as its API documents them. */
const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const defaultMessages: Record<string, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out.',
  overloaded_error: 'Overloaded',
};

function errorTypeFor(status: number): string {
  return errorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

function errorObject(status: number, error: ScriptedError | undefined): { type: string; message: string } {
  const type = error?.type ?? errorTypeFor(status);
  return { type, message: error?.message ?? defaultMessages[type] ?? 'Error' };
}

function usageOf(req: WireRequest): Record<string, unknown> {
  const u = resolvedUsage(req.script.usage);
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: u.output,
    ...(u.reasoning > 0 ? { output_tokens_details: { thinking_tokens: u.reasoning } } : {}),
    service_tier: 'standard',
  };
}

function messageId(req: WireRequest): string {
  return req.script.responseId ?? `msg_fake_${req.requestId.slice(-12)}`;
}

function event(type: string, payload: Record<string, unknown>): SseEvent {
  return { event: type, data: JSON.stringify({ type, ...payload }) };
}

/** Reset times are RFC 3339, as Anthropic sends them. */
function resetIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const anthropicWire: WireFormat = {
  provider: 'anthropic',

  // Older SDKs send x-api-key; newer majors send Authorization: Bearer.
  apiKey: (headers) => headerValue(headers, 'x-api-key') ?? bearerToken(headers),

  missingKey: (requestId) => ({
    status: 401,
    body: {
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
      request_id: requestId,
    },
  }),

  baseHeaders: (requestId) => ({
    'request-id': requestId,
    'anthropic-organization-id': '00000000-0000-4000-8000-00000000fake',
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': resetIn(15),
    'anthropic-ratelimit-tokens-limit': '480000',
    'anthropic-ratelimit-tokens-remaining': '480000',
    'anthropic-ratelimit-tokens-reset': resetIn(1000),
    'anthropic-ratelimit-input-tokens-limit': '400000',
    'anthropic-ratelimit-input-tokens-remaining': '400000',
    'anthropic-ratelimit-input-tokens-reset': resetIn(1000),
    'anthropic-ratelimit-output-tokens-limit': '80000',
    'anthropic-ratelimit-output-tokens-remaining': '80000',
    'anthropic-ratelimit-output-tokens-reset': resetIn(1000),
  }),

  errorBody: (status, error, requestId) => ({
    type: 'error',
    error: errorObject(status, error),
    request_id: requestId,
  }),

  wantsStream: (body) => isRecord(body) && body.stream === true,

  json: (req) => ({
    id: messageId(req),
    type: 'message',
    role: 'assistant',
    model: req.model,
    content: [{ type: 'text', text: scriptText(req.script) }],
    stop_reason: req.script.stopReason ?? 'end_turn',
    stop_sequence: null,
    usage: usageOf(req),
  }),

  stream: (req) => {
    const usage = usageOf(req);
    const { output_tokens: outputTokens, output_tokens_details: details, ...startUsage } = usage;
    const events: PlannedEvent[] = [
      {
        kind: 'head',
        sse: event('message_start', {
          message: {
            id: messageId(req),
            type: 'message',
            role: 'assistant',
            model: req.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            // message_start counts the first output token; message_delta has the real total.
            usage: { ...startUsage, output_tokens: 1 },
          },
        }),
      },
      { kind: 'head', sse: event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) },
      { kind: 'head', sse: { event: 'ping', data: '{"type": "ping"}' } },
    ];
    for (const text of scriptDeltas(req.script)) {
      events.push({ kind: 'delta', sse: event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }) });
    }
    events.push(
      { kind: 'end', sse: event('content_block_stop', { index: 0 }) },
      {
        kind: 'end',
        sse: event('message_delta', {
          delta: { stop_reason: req.script.stopReason ?? 'end_turn', stop_sequence: null },
          usage: { output_tokens: outputTokens, ...(details ? { output_tokens_details: details } : {}) },
        }),
      },
      { kind: 'end', sse: event('message_stop', {}) },
    );
    return events;
  },

  // Mid-stream errors are almost always overloads, so that is the default.
  streamError: (status, error) => event('error', { error: errorObject(status ?? 529, error) }),

  ping: () => ({ event: 'ping', data: '{"type": "ping"}' }),

  frameChunk: (chunk) => {
    const type = isRecord(chunk) && typeof chunk.type === 'string' ? chunk.type : undefined;
    return { event: type, data: JSON.stringify(chunk) };
  },
};
