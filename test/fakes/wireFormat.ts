import type { IncomingHttpHeaders } from 'node:http';
import type { ScriptedError, ScriptedResponse, WireProvider } from './script';
import type { SseEvent } from './sse';

/** What one request asked for, as far as a wire module needs to know. */
export interface WireRequest {
  requestId: string;
  /** The model the request named (body or path), or the script's override. */
  model: string;
  body: unknown;
  script: ScriptedResponse;
}

/**
 * A streamed answer, event by event. `end` events are the end marker and what follows it: a
 * fault "after N deltas" always fires before the first of them, so a truncated stream is
 * really missing its end.
 */
export interface PlannedEvent {
  sse: SseEvent;
  kind: 'head' | 'delta' | 'end';
}

export interface ErrorReply {
  status: number;
  body: unknown;
  /** Headers the platform adds to this error (Bedrock's x-amzn-ErrorType). */
  headers?: Record<string, string>;
}

/** One provider's wire format: where it reads the key, and how its bodies and events look. */
export interface WireFormat {
  readonly provider: WireProvider;
  /** The key the client presented, or null when it sent none (an empty key counts as none). */
  apiKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | null;
  /** The provider's real answer to a request without a key. */
  missingKey(requestId: string): ErrorReply;
  /** Headers every response carries: request id, rate-limit state. */
  baseHeaders(requestId: string): Record<string, string>;
  errorBody(status: number, error: ScriptedError | undefined, requestId: string): unknown;
  /** Whether the request asked for a stream (Gemini decides by path, the others by body). */
  wantsStream(body: unknown, action: string | undefined): boolean;
  json(req: WireRequest): unknown;
  stream(req: WireRequest): PlannedEvent[];
  /** The in-band error event a provider sends after it has already answered 200. */
  streamError(status: number | undefined, error: ScriptedError | undefined, requestId: string): SseEvent;
  ping(): SseEvent;
  /** Frames one recorded JSON chunk as this provider would send it. */
  frameChunk(chunk: unknown): SseEvent;
  /** Headers an error response carries besides the base ones (Bedrock names its exception). */
  errorHeaders?(status: number, error: ScriptedError | undefined): Record<string, string>;
  /** Content types other than JSON and SSE (Bedrock streams application/vnd.amazon.eventstream). */
  contentTypes?: { json: string; stream: string };
  /** Puts an event on the wire in a framing other than SSE (Bedrock's binary event stream). */
  encode?(event: SseEvent): Uint8Array;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return null;
  const match = /^Bearer\s+(.*)$/i.exec(auth.trim());
  const token = match?.[1]?.trim();
  return token ? token : null;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : null;
}
