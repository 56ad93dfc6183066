import type { ScriptedError } from './script';
import { argumentPieces, resolvedUsage, scriptDeltas, scriptText, scriptToolCalls } from './script';
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

function stopReason(req: WireRequest): string {
  return req.script.stopReason ?? (req.script.toolCalls?.length ? 'tool_use' : 'end_turn');
}

/** The content blocks of a whole message: thinking, then text, then tool_use. */
function contentBlocks(req: WireRequest): unknown[] {
  const blocks: unknown[] = [];
  if (req.script.thinking !== undefined)
    blocks.push({ type: 'thinking', thinking: req.script.thinking, signature: 'sig-fake' });
  const text = scriptText(req.script);
  if (text || !req.script.toolCalls) blocks.push({ type: 'text', text });
  for (const c of scriptToolCalls(req.script, 'toolu_fake_'))
    blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
  return blocks;
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
    content: contentBlocks(req),
    stop_reason: stopReason(req),
    stop_sequence: req.script.stopSequence ?? null,
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
    ];
    let index = 0;
    if (req.script.thinking !== undefined) {
      events.push(
        {
          kind: 'head',
          sse: event('content_block_start', {
            index,
            content_block: { type: 'thinking', thinking: '', signature: '' },
          }),
        },
        {
          kind: 'head',
          sse: event('content_block_delta', {
            index,
            delta: { type: 'thinking_delta', thinking: req.script.thinking },
          }),
        },
        {
          kind: 'head',
          sse: event('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'sig-fake' } }),
        },
        { kind: 'head', sse: event('content_block_stop', { index }) },
      );
      index++;
    }
    const deltas = scriptDeltas(req.script);
    if (deltas.length || !req.script.toolCalls) {
      events.push({
        kind: 'head',
        sse: event('content_block_start', { index, content_block: { type: 'text', text: '' } }),
      });
      for (const text of deltas)
        events.push({
          kind: 'delta',
          sse: event('content_block_delta', { index, delta: { type: 'text_delta', text } }),
        });
      events.push({ kind: 'end', sse: event('content_block_stop', { index }) });
      index++;
    }
    for (const call of scriptToolCalls(req.script, 'toolu_fake_')) {
      events.push({
        kind: 'delta',
        sse: event('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
        }),
      });
      for (const partial_json of argumentPieces(call.input)) {
        events.push({
          kind: 'delta',
          sse: event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }),
        });
      }
      events.push({ kind: 'end', sse: event('content_block_stop', { index }) });
      index++;
    }
    // Anthropic pings right after the first block opens.
    events.splice(2, 0, { kind: 'head', sse: { event: 'ping', data: '{"type": "ping"}' } });
    events.push(
      {
        kind: 'end',
        sse: event('message_delta', {
          delta: { stop_reason: stopReason(req), stop_sequence: req.script.stopSequence ?? null },
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
