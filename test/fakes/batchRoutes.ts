import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicBatchRoute } from './anthropicBatchWire';
import type { FakeBatches } from './fakeBatches';
import { geminiBatchRoute } from './geminiBatchWire';
import { openaiBatchRoute } from './openaiBatchWire';
import { keyOf } from './extraRoutes';
import type { WireProvider } from './script';

/** One batch-endpoint request, as the provider routes see it. */
export interface BatchHttpRequest {
  method: string;
  /** Without any mount prefix, e.g. `/v1/messages/batches/msgbatch_1`. */
  path: string;
  body: unknown;
  raw: Buffer;
  contentType: string;
  /** `http://127.0.0.1:PORT` plus the mount prefix, for URLs the fake hands out (Anthropic's results_url). */
  origin: string;
}

export type BatchReply = { status: number; json: unknown } | { status: number; text: string; contentType: string };

export type BatchRoute = (
  req: BatchHttpRequest,
  batches: FakeBatches,
) => Promise<BatchReply | undefined> | BatchReply | undefined;

/** The makers' own APIs: the cloud platforms' batch modes are not emulated. */
type BatchWire = Extract<WireProvider, 'anthropic' | 'openai' | 'gemini'>;

const routes: Record<BatchWire, BatchRoute> = {
  anthropic: anthropicBatchRoute,
  openai: openaiBatchRoute,
  gemini: geminiBatchRoute,
};

/** Which provider's batch API a path belongs to (prefix allowed, as for the chat routes). */
function providerOf(path: string): BatchWire | undefined {
  if (path.startsWith('/v1/messages/batches')) return 'anthropic';
  if (path.startsWith('/v1/files') || path.startsWith('/v1/batches')) return 'openai';
  if (/^\/v1beta\/(models\/[^/]+:batchGenerateContent|batches\/)/.test(path)) return 'gemini';
  return undefined;
}

/** Answers and returns true when the request is for a batch endpoint. Keys in `rejected` get a 401. */
export async function handleBatchRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: Buffer,
  body: unknown,
  batches: FakeBatches,
  rejected: ReadonlySet<string>,
): Promise<boolean> {
  const m = /^(.*?)(\/v1(?:beta)?\/.*)$/.exec(url.pathname);
  const path = m?.[2] ?? '';
  const provider = providerOf(path);
  if (!provider) return false;
  const key = keyOf(req, url);
  if (!key || rejected.has(key)) {
    send(res, {
      status: 401,
      json: {
        type: 'error',
        error: {
          type: 'authentication_error',
          message: 'invalid x-api-key',
          code: 'invalid_api_key',
          status: 'UNAUTHENTICATED',
        },
      },
    });
    return true;
  }
  const reply = await routes[provider](
    {
      method: req.method ?? 'GET',
      path,
      body,
      raw,
      contentType: String(req.headers['content-type'] ?? ''),
      origin: `http://${req.headers.host ?? '127.0.0.1'}${m?.[1] ?? ''}`,
    },
    batches,
  );
  if (res.destroyed) return true;
  send(
    res,
    reply ?? {
      status: 404,
      json: { error: { message: `No batch route for ${req.method} ${path}`, type: 'not_found_error' } },
    },
  );
  return true;
}

function send(res: ServerResponse, reply: BatchReply): void {
  if ('json' in reply) {
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.json));
  } else {
    res.writeHead(reply.status, { 'content-type': reply.contentType });
    res.end(reply.text);
  }
}

export function notFound(what: string): BatchReply {
  return {
    status: 404,
    json: {
      type: 'error',
      error: { type: 'not_found_error', message: `${what} not found`, code: 404, status: 'NOT_FOUND' },
    },
  };
}
