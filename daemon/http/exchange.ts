import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConduitError, type ChatRequest, type ChatResult, type ToolCallDelta } from '../../protocol';
import type { EmbedResult } from '../gateway/embeddingGateway';
import { anthropicErrorBody } from './anthropic/anthropicError';
import { failureOf, type HttpFailure } from './errorStatus';
import { openaiErrorBody } from './openai/openaiError';
import { redactedHeader } from './redactedHeader';
import type { SsePressureFigures } from './sseResponse';

/** Which API a request called: its errors go back in that API's shape. */
export type ApiKind = 'openai' | 'anthropic';

/** One HTTP request as the endpoint handlers see it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  api: ApiKind;
  requestId: string;
  /** From x-conduit-feature; budgets and routing by feature apply to it. */
  feature: string;
  /** From x-conduit-client, else the User-Agent; stored in the ledger row. */
  clientName: string;
  /** Aborted when the client goes away: the gateway cancels the upstream call. */
  signal: AbortSignal;
  /** Sent on every response: request ids and, for an allowed browser origin, CORS. */
  headers: Record<string, string>;
  body: unknown;
  /** The endpoint's flow-control figures, which a stream to this client adds to. */
  pressure?: SsePressureFigures;
}

/** A model GET /v1/models lists; `embedding` ones serve POST /v1/embeddings, not chat. */
export interface ListedModel {
  id: string;
  ownedBy: string;
  embedding?: true;
}

/** What the endpoint handlers need from the daemon. */
export interface EndpointDeps {
  /** The gateway's send: guard, route, cache, budget, limits, resilience and the ledger. */
  send(
    request: ChatRequest,
    ex: Exchange,
    /** A promise back means the client is behind: the stream waits on it. */
    onChunk?: (delta: string, toolCall?: ToolCallDelta) => Promise<void> | undefined,
  ): Promise<ChatResult>;
  /** Seconds until the soonest budget period turns, for retry-after on a budget refusal. */
  budgetRetryAfterS(): number | undefined;
  /** Model ids to list: Conduit's tiers, then the catalogue's and the configured ones. */
  modelIds(): ListedModel[];
  /** Embeddings through the cache, budgets, limits and resilience, with a ledger row. */
  embed(model: string, input: string[], ex: Exchange, dimensions?: number): Promise<EmbedResult>;
}

export function sendJson(ex: Exchange, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (ex.res.headersSent || ex.res.destroyed) return;
  const text = JSON.stringify(body);
  ex.res.writeHead(status, {
    ...ex.headers,
    ...extra,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  ex.res.end(text);
}

/** An error in the called API's shape, with retry-after and x-should-retry when Conduit knows better. */
export function sendFailure(ex: Pick<Exchange, 'res' | 'api' | 'requestId' | 'headers'>, failure: HttpFailure): void {
  if (ex.res.headersSent || ex.res.destroyed) return;
  const body = ex.api === 'anthropic' ? anthropicErrorBody(failure, ex.requestId) : openaiErrorBody(failure);
  const text = JSON.stringify(body);
  ex.res.writeHead(failure.status, {
    ...ex.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-conduit-error-code': failure.code,
    ...(failure.retryAfterS !== undefined ? { 'retry-after': String(failure.retryAfterS) } : {}),
    ...(failure.noRetry ? { 'x-should-retry': 'false' } : {}),
  });
  ex.res.end(text);
}

/** A thrown gateway error as an HTTP failure; anything else is an internal error with no detail leaked. */
export function failureFromError(err: unknown, deps: Pick<EndpointDeps, 'budgetRetryAfterS'>): HttpFailure {
  if (err instanceof ConduitError) return failureOf(err.data, () => deps.budgetRetryAfterS());
  return {
    status: 500,
    code: 'internal',
    message: 'Conduit hit an internal error; see the daemon log (`conduit logs`).',
  };
}

/** Headers that say what Conduit did with the request. */
export function resultHeaders(result: ChatResult): Record<string, string> {
  return {
    'x-conduit-provider': result.provider,
    'x-conduit-model': result.model,
    'x-conduit-cache': result.cache,
    ...(result.costUsd !== undefined && result.costUsd !== null
      ? { 'x-conduit-cost-usd': String(result.costUsd) }
      : {}),
    ...redactedHeader(result.guard?.redacted),
  };
}
