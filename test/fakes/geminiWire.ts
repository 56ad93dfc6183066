import type { FakeUsage, ScriptedError } from './script';
import { resolvedUsage, scriptDeltas, scriptText } from './script';
import type { PlannedEvent, WireFormat, WireRequest } from './wireFormat';
import { headerValue } from './wireFormat';

/** google.rpc.Code names for HTTP statuses, as the Gemini API maps them. */
const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const defaultMessages: Record<string, string> = {
  INVALID_ARGUMENT: 'Request contains an invalid argument.',
  UNAUTHENTICATED: 'Request had invalid authentication credentials.',
  PERMISSION_DENIED: 'The caller does not have permission.',
  NOT_FOUND: 'Requested entity was not found.',
  RESOURCE_EXHAUSTED:
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  INTERNAL:
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  UNAVAILABLE: 'The model is overloaded. Please try again later.',
  DEADLINE_EXCEEDED: 'The request timed out. Please try again.',
};

export function statusBody(code: number, error: ScriptedError | undefined): Record<string, unknown> {
  const status = error?.type ?? statusNames[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  const details: unknown[] = [];
  // Real 429s always name the quota: a per-minute one for a plain 429, a daily one when the
  // script says the quota is exhausted (quotaFailure: true); quotaFailure: false opts out.
  if (error?.quotaFailure ?? code === 429) {
    const daily = error?.quotaFailure === true;
    details.push({
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
          quotaId: daily
            ? 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'
            : 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
          quotaValue: '10',
        },
      ],
    });
  }
  if (error?.retryDelay !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: error.retryDelay });
  }
  details.push(...(error?.details ?? []));
  return {
    error: {
      code,
      message: error?.message ?? defaultMessages[status] ?? 'Request failed.',
      status,
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

function usageMetadata(u: FakeUsage, candidates: number): Record<string, unknown> {
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: candidates,
    // Gemini's total counts thoughts too; candidatesTokenCount does not.
    totalTokenCount: u.input + candidates + u.reasoning,
    ...(u.cacheRead > 0 ? { cachedContentTokenCount: u.cacheRead } : {}),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }],
  };
}

function responseId(req: WireRequest): string {
  return req.script.responseId ?? `fake${req.requestId.slice(-16)}`;
}

/** Gemini sends no call ids; a script's explicit id is sent, to test that it is kept. */
function functionCallParts(req: WireRequest): unknown[] {
  return (req.script.toolCalls ?? []).map((c) => ({
    functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.input },
    ...(c.signature ? { thoughtSignature: c.signature } : {}),
  }));
}

function chunkBody(
  req: WireRequest,
  text: string,
  usage: Record<string, unknown>,
  finishReason?: string,
  extraParts: unknown[] = [],
  thought?: string,
): unknown {
  const parts: unknown[] = [];
  if (thought !== undefined) parts.push({ text: thought, thought: true });
  if (text || extraParts.length === 0) parts.push({ text });
  parts.push(...extraParts);
  return {
    candidates: [
      {
        content: { parts, role: 'model' },
        ...(finishReason !== undefined ? { finishReason } : {}),
        index: 0,
      },
    ],
    usageMetadata: usage,
    modelVersion: req.model,
    responseId: responseId(req),
  };
}

export const geminiWire: WireFormat = {
  provider: 'gemini',

  apiKey: (headers, query) => headerValue(headers, 'x-goog-api-key') ?? (query.get('key') || null),

  // Google rejects a keyless call as an unregistered caller: 403, not 401.
  missingKey: () => ({
    status: 403,
    body: statusBody(403, {
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    }),
  }),

  // Gemini sends no request-id or rate-limit headers; these are the ones it does send.
  baseHeaders: () => ({
    server: 'scaffolding on HTTPServer2',
    'server-timing': 'gfet4t7; dur=42',
    vary: 'Origin, X-Origin, Referer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'x-xss-protection': '0',
  }),

  errorBody: (status, error) => statusBody(status, error),

  wantsStream: (_body, action) => action === 'streamGenerateContent',

  json: (req) => {
    const u = resolvedUsage(req.script.usage);
    return chunkBody(
      req,
      scriptText(req.script),
      usageMetadata(u, u.output),
      req.script.stopReason ?? 'STOP',
      functionCallParts(req),
      req.script.thinking,
    );
  },

  stream: (req) => {
    const u = resolvedUsage(req.script.usage);
    const deltas = scriptDeltas(req.script);
    if (deltas.length === 0) deltas.push('');
    // Every chunk carries the running usage; the last one, with finishReason, the final counts.
    // Thoughts come first, and function calls whole in the last chunk.
    return deltas.map((text, i): PlannedEvent => {
      const last = i === deltas.length - 1;
      const candidates = Math.round((u.output * (i + 1)) / deltas.length);
      const body = chunkBody(
        req,
        text,
        usageMetadata(u, candidates),
        last ? (req.script.stopReason ?? 'STOP') : undefined,
        last ? functionCallParts(req) : [],
        i === 0 ? req.script.thinking : undefined,
      );
      return { kind: last ? 'end' : 'delta', sse: { data: JSON.stringify(body) } };
    });
  },

  streamError: (status, error) => ({ data: JSON.stringify(statusBody(status ?? 500, error)) }),

  ping: () => ({ comment: 'ping' }),

  frameChunk: (chunk) => ({ data: typeof chunk === 'string' ? chunk : JSON.stringify(chunk) }),
};
