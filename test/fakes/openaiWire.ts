import type { ScriptedError } from './script';
import { argumentPieces, resolvedUsage, scriptDeltas, scriptText, scriptToolCalls } from './script';
import type { SseEvent } from './sse';
import type { PlannedEvent, WireFormat, WireRequest } from './wireFormat';
import { bearerToken, isRecord } from './wireFormat';

interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** OpenAI's usual error for each status; `insufficient_quota` is a scripted 429 variant. */
function defaultError(status: number): OpenAIErrorObject {
  switch (status) {
    case 400:
      return { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null };
    case 401:
      return {
        message: 'Incorrect API key provided.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      };
    case 403:
      return {
        message: 'You are not allowed to sample from this model',
        type: 'invalid_request_error',
        param: null,
        code: null,
      };
    case 404:
      return {
        message: 'The model does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      };
    case 429:
      return {
        message: 'Rate limit reached for requests.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      };
    default:
      return status >= 500
        ? {
            message: 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
            param: null,
            code: null,
          }
        : { message: 'Request failed.', type: 'invalid_request_error', param: null, code: null };
  }
}

function errorObject(status: number, error: ScriptedError | undefined): OpenAIErrorObject {
  const base =
    error?.code === 'insufficient_quota'
      ? {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        }
      : defaultError(status);
  return {
    message: error?.message ?? base.message,
    type: error?.type ?? base.type,
    param: error?.param !== undefined ? error.param : base.param,
    code: error?.code !== undefined ? error.code : base.code,
  };
}

function usageOf(req: WireRequest): Record<string, unknown> {
  const u = resolvedUsage(req.script.usage);
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function completionId(req: WireRequest): string {
  return req.script.responseId ?? `chatcmpl-fake${req.requestId.slice(-12)}`;
}

function includeUsage(body: unknown): boolean {
  return isRecord(body) && isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

function finishReason(req: WireRequest): string {
  return req.script.stopReason ?? (req.script.toolCalls?.length ? 'tool_calls' : 'stop');
}

export const openaiWire: WireFormat = {
  provider: 'openai',

  apiKey: (headers) => bearerToken(headers),

  missingKey: () => ({
    status: 401,
    body: {
      error: {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    },
  }),

  // Reset values are durations, not timestamps: that is how OpenAI sends them.
  baseHeaders: (requestId) => ({
    'x-request-id': requestId,
    'openai-version': '2020-10-01',
    'openai-processing-ms': '42',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': '29999990',
    'x-ratelimit-reset-tokens': '0s',
  }),

  errorBody: (status, error) => ({ error: errorObject(status, error) }),

  wantsStream: (body) => isRecord(body) && body.stream === true,

  json: (req) => ({
    id: completionId(req),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: scriptText(req.script) || (req.script.toolCalls ? null : ''),
          refusal: null,
          annotations: [],
          ...(req.script.toolCalls
            ? {
                tool_calls: scriptToolCalls(req.script, 'call_fake').map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: JSON.stringify(c.input) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: finishReason(req),
      },
    ],
    usage: usageOf(req),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  }),

  stream: (req) => {
    const withUsage = includeUsage(req.body);
    const created = Math.floor(Date.now() / 1000);
    // Every chunk but the last carries `usage: null` when usage was asked for, as OpenAI does.
    const chunk = (choices: unknown[], usage: unknown = null): SseEvent => ({
      data: JSON.stringify({
        id: completionId(req),
        object: 'chat.completion.chunk',
        created,
        model: req.model,
        service_tier: 'default',
        system_fingerprint: 'fp_fake',
        choices,
        ...(withUsage ? { usage } : {}),
      }),
    });
    const choice = (delta: unknown, finishReason: string | null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });

    const events: PlannedEvent[] = [
      { kind: 'head', sse: chunk([choice({ role: 'assistant', content: '', refusal: null }, null)]) },
    ];
    for (const text of scriptDeltas(req.script)) {
      events.push({ kind: 'delta', sse: chunk([choice({ content: text }, null)]) });
    }
    // A call's first piece has its id, type and name; the rest only more arguments.
    for (const [index, call] of scriptToolCalls(req.script, 'call_fake').entries()) {
      events.push({
        kind: 'delta',
        sse: chunk([
          choice(
            { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] },
            null,
          ),
        ]),
      });
      for (const piece of argumentPieces(call.input)) {
        events.push({
          kind: 'delta',
          sse: chunk([choice({ tool_calls: [{ index, function: { arguments: piece } }] }, null)]),
        });
      }
    }
    events.push({ kind: 'end', sse: chunk([choice({}, finishReason(req))]) });
    if (withUsage) events.push({ kind: 'end', sse: chunk([], usageOf(req)) });
    events.push({ kind: 'end', sse: { data: '[DONE]' } });
    return events;
  },

  streamError: (status, error) => ({ data: JSON.stringify({ error: errorObject(status ?? 500, error) }) }),

  // OpenAI sends no pings; an SSE comment is what proxies and compatible servers use.
  ping: () => ({ comment: 'ping' }),

  frameChunk: (chunk) => ({ data: typeof chunk === 'string' ? chunk : JSON.stringify(chunk) }),
};
