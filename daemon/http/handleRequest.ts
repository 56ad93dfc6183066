import * as crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatCompletions } from './chatCompletions';
import { countTokens } from './countTokens';
import { embeddings } from './embeddings';
import { notFound } from './errorStatus';
import { sendFailure, type ApiKind, type EndpointDeps, type Exchange } from './exchange';
import { messages } from './messages';
import { models } from './models';
import { readJsonBody } from './readBody';
import type { SsePressureFigures } from './sseResponse';
import { checkHost, checkOrigin, checkToken, presentedToken } from './requestChecks';

export interface RequestPolicy {
  token: string;
  allowedHosts: Set<string>;
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  /** The daemon is stopping: requests still arriving on open connections get 503. */
  stopping?: boolean;
  /** The endpoint's flow-control figures, passed on to each exchange. */
  pressure?: SsePressureFigures;
}

const CORS_EXPOSED =
  'request-id, x-request-id, retry-after, x-conduit-request-id, x-conduit-provider, x-conduit-model, x-conduit-cache, x-conduit-cost-usd, x-conduit-error-code, x-conduit-redacted';

/** Request ids: random per daemon, then a counter (no entropy to draw per request). */
const ID_PREFIX = crypto.randomBytes(4).toString('hex');
let idCount = 0;

/**
 * One request: Host (DNS rebinding), then Origin (browser pages), then the token, then the body
 * limit, and only then an API handler. Each refusal is in the called API's error shape.
 */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  policy: RequestPolicy,
  deps: EndpointDeps,
): Promise<void> {
  const path = pathOf(req.url ?? '/');
  const api: ApiKind =
    path.startsWith('/v1/messages') || req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
  const requestId = `http_${Date.now().toString(36)}_${ID_PREFIX}${(++idCount).toString(36)}`;
  const origin = req.headers.origin;
  const headers: Record<string, string> = {
    'x-conduit-request-id': requestId,
    [api === 'anthropic' ? 'request-id' : 'x-request-id']: requestId,
  };
  const early = { res, api, requestId, headers };

  const hostRefusal = checkHost(req.headers.host, policy.allowedHosts);
  if (hostRefusal) return refuse(early, hostRefusal.status, hostRefusal.message);
  if (policy.stopping) {
    req.resume();
    return sendFailure(early, {
      status: 503,
      code: 'daemon_unavailable',
      retryAfterS: 1,
      message:
        "Conduit's daemon is stopping and takes no new requests. Send the request again once it is back (any `conduit` command or VS Code starts it).",
    });
  }
  const originRefusal = checkOrigin(origin, policy.allowedOrigins);
  if (originRefusal) return refuse(early, originRefusal.status, originRefusal.message);
  if (origin !== undefined) {
    Object.assign(headers, {
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-expose-headers': CORS_EXPOSED,
    });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...headers,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers':
          'authorization, x-api-key, content-type, anthropic-version, anthropic-beta, x-conduit-feature, x-conduit-client, x-stainless-arch, x-stainless-lang, x-stainless-os, x-stainless-package-version, x-stainless-retry-count, x-stainless-runtime, x-stainless-runtime-version, x-stainless-timeout, anthropic-dangerous-direct-browser-access',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
  }
  const tokenRefusal = checkToken(presentedToken(req.headers), policy.token);
  if (tokenRefusal) return refuse(early, tokenRefusal.status, tokenRefusal.message);

  const route = routeOf(req.method ?? 'GET', path);
  if (!route) {
    req.resume();
    return sendFailure(
      early,
      notFound(
        `${req.method} ${path} is not an endpoint of Conduit. It serves POST /v1/chat/completions, GET /v1/models, POST /v1/embeddings, POST /v1/messages and POST /v1/messages/count_tokens.`,
      ),
    );
  }
  let body: unknown = {};
  if (req.method === 'POST') {
    const read = await readJsonBody(req, policy.maxBodyBytes);
    if ('failure' in read) {
      // The rest of an oversized upload is not read: the connection closes after the answer.
      if (read.failure.status === 413) res.setHeader('connection', 'close');
      return sendFailure(early, read.failure);
    }
    body = read.body;
  }

  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const ex: Exchange = {
    req,
    res,
    api,
    requestId,
    headers,
    body,
    signal: abort.signal,
    ...(policy.pressure ? { pressure: policy.pressure } : {}),
    feature: headerLabel(req.headers['x-conduit-feature']) ?? 'endpoint',
    clientName: headerLabel(req.headers['x-conduit-client']) ?? headerLabel(req.headers['user-agent']) ?? 'unknown',
  };
  switch (route.name) {
    case 'chat':
      return chatCompletions(ex, deps);
    case 'messages':
      return messages(ex, deps);
    case 'countTokens':
      return countTokens(ex);
    case 'embeddings':
      return embeddings(ex, deps);
    case 'models':
      return models(ex, deps, route.id);
  }
}

/** The path without query or trailing slashes; a plain origin-form path needs no URL parser. */
function pathOf(target: string): string {
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  const plain = raw.startsWith('/') && !raw.startsWith('//') && !raw.includes('%') && !raw.includes('/.');
  return (plain ? raw : new URL(target, 'http://endpoint').pathname).replace(/\/+$/, '');
}

type Route = { name: 'chat' | 'messages' | 'countTokens' | 'embeddings' } | { name: 'models'; id?: string };

function routeOf(method: string, path: string): Route | undefined {
  if (method === 'POST') {
    if (path === '/v1/chat/completions') return { name: 'chat' };
    if (path === '/v1/messages') return { name: 'messages' };
    if (path === '/v1/messages/count_tokens') return { name: 'countTokens' };
    if (path === '/v1/embeddings') return { name: 'embeddings' };
  }
  if (method === 'GET') {
    if (path === '/v1/models') return { name: 'models' };
    const m = /^\/v1\/models\/(.+)$/.exec(path);
    if (m) return { name: 'models', id: decodeURIComponent(m[1]!) };
  }
  return undefined;
}

function refuse(early: Pick<Exchange, 'res' | 'api' | 'requestId' | 'headers'>, status: number, message: string): void {
  // A refused request's body is not read; the connection closes so it is not read later either.
  early.res.setHeader('connection', 'close');
  sendFailure(early, { status, message, code: status === 401 ? 'unauthorized' : 'forbidden', noRetry: true });
}

/** A label from a header: printable ASCII, at most 100 characters. */
function headerLabel(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const clean = text
    ?.replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 100);
  return clean ? clean : undefined;
}
