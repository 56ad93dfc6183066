import type { IncomingHttpHeaders } from 'node:http';
import { anthropicWire } from './anthropicWire';
import { chunkFrame, exceptionFrame } from './awsEventStream';
import { resolvedUsage, type ScriptedError } from './script';
import type { SseEvent } from './sse';
import { bearerToken, headerValue, isRecord, type WireFormat } from './wireFormat';

/** Bedrock's exception for each status, as its API reference lists them. */
const exceptions: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

const messages: Record<string, string> = {
  ValidationException: 'Malformed input request, please reformat your input and try again.',
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  ResourceNotFoundException: 'Could not resolve the foundation model from the provided model identifier.',
  ThrottlingException: 'Too many requests, please wait before trying again.',
  ServiceUnavailableException: 'Bedrock is unable to process your request.',
  InternalServerException: 'The server encountered an internal error while processing the request.',
};

export function bedrockException(status: number, error: ScriptedError | undefined): string {
  return error?.type ?? exceptions[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
}

/** The signing key's id from a SigV4 Authorization header, with its credential scope. */
export interface SigV4Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const sigv4 =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

export function parseSigV4(headers: IncomingHttpHeaders): SigV4Credential | null {
  const auth = headerValue(headers, 'authorization');
  const m = auth ? sigv4.exec(auth) : null;
  if (!m || !headerValue(headers, 'x-amz-date')) return null;
  return { accessKeyId: m[1] ?? '', date: m[2] ?? '', region: m[3] ?? '', service: m[4] ?? '' };
}

/** Frames an Anthropic SSE event as Bedrock does: the event's JSON in a chunk frame. */
function frame(ev: SseEvent): Buffer {
  if (ev.event?.startsWith('exception:')) {
    const data: unknown = JSON.parse(ev.data ?? '{}');
    return exceptionFrame(
      ev.event.slice('exception:'.length),
      isRecord(data) && typeof data.message === 'string' ? data.message : 'error',
    );
  }
  return chunkFrame(ev.data ?? '{}');
}

/**
 * Amazon Bedrock's InvokeModel / InvokeModelWithResponseStream for Claude: Anthropic's bodies,
 * streamed in event-stream frames; errors as x-amzn-ErrorType + {"message"}; SigV4 (the access
 * key id is the "key") or a Bedrock API key as a bearer token.
 */
export const bedrockWire: WireFormat = {
  provider: 'bedrock',
  apiKey: (headers) => parseSigV4(headers)?.accessKeyId ?? bearerToken(headers),
  missingKey: (requestId) => ({
    status: 403,
    body: { message: 'Missing Authentication Token' },
    headers: { 'x-amzn-errortype': 'MissingAuthenticationTokenException', 'x-amzn-requestid': requestId },
  }),
  baseHeaders: (requestId) => ({ 'x-amzn-requestid': requestId }),
  errorHeaders: (status, error) => ({
    'x-amzn-errortype': `${bedrockException(status, error)}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
  }),
  errorBody: (status, error) => ({ message: error?.message ?? messages[bedrockException(status, error)] ?? 'Error' }),
  // The path says whether to stream; the body has no `stream` field.
  wantsStream: (_body, action) => action === 'invoke-with-response-stream',
  json: (req) => anthropicWire.json(req),
  stream: (req) => {
    const events = anthropicWire.stream(req);
    const last = events[events.length - 1];
    const u = resolvedUsage(req.script.usage);
    // Bedrock adds its invocation metrics to the last event.
    if (last)
      last.sse = {
        event: 'message_stop',
        data: JSON.stringify({
          type: 'message_stop',
          'amazon-bedrock-invocationMetrics': {
            inputTokenCount: u.input,
            outputTokenCount: u.output,
            invocationLatency: 5,
            firstByteLatency: 2,
          },
        }),
      };
    return events;
  },
  streamError: (status, error) => {
    const name = bedrockException(status ?? 429, error);
    return {
      event: `exception:${name.charAt(0).toLowerCase()}${name.slice(1)}`,
      data: JSON.stringify({ message: error?.message ?? messages[name] ?? 'error' }),
    };
  },
  ping: () => anthropicWire.ping(),
  frameChunk: (chunk) => anthropicWire.frameChunk(chunk),
  contentTypes: { json: 'application/json', stream: 'application/vnd.amazon.eventstream' },
  encode: frame,
};
