import type { Agent, Dispatcher } from 'undici';
import { loadChunk } from '../platform/codeChunk';
import { encodeFormBody, hasFormBody } from './formBody';

/** undici's connection pool and request API (300 kB of code) load with the first request, not with the daemon; then once. */
let undici: Promise<typeof import('./undici')> | undefined;

const loadUndici = (): Promise<typeof import('./undici')> => loadChunk('the HTTP client', () => import('./undici'));

/** undici's WHATWG fetch, for what requestFetch does not send; loaded the first time it is needed. */
let fetchPart: Promise<typeof import('./undiciFetch')> | undefined;

/** Loads undici ahead of the first request (see ProviderAdapter.ready); never rejects. */
export function loadHttp(): Promise<void> {
  return (undici ??= loadUndici()).then(
    () => undefined,
    () => {
      undici = undefined;
    },
  );
}

/** The fetch signature the three SDKs accept. */
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface HttpFetchOptions {
  /** How long opening the TCP (and TLS) connection may take. */
  connectTimeoutMs: number;
}

/**
 * A fetch whose connection pool gives up on a connect after `connectTimeoutMs`. It runs on undici's
 * own Agent: Node's global fetch bundles a different undici, whose dispatcher contract need not
 * match the package's. One per adapter, so each SDK client keeps its pool. A plain request (a URL,
 * a string or bytes body: everything the SDKs send for a chat or embeddings) goes over undici's
 * `request` API (requestFetch.ts), which costs under half of undici's `fetch`; anything else goes to
 * that `fetch`, on the same pool.
 */
export function createHttpFetch(options: HttpFetchOptions): FetchFn {
  let dispatcher: Agent | undefined;
  let following: Dispatcher | undefined;
  return async (input, given) => {
    const { Agent, interceptors, requestFetch, isPlainRequest } = await (undici ??= loadUndici());
    const init = hasFormBody(given) ? await encodeFormBody(given) : given;
    dispatcher ??= new Agent({ connect: { timeout: options.connectTimeoutMs } });
    try {
      if (isPlainRequest(input, init)) {
        following ??= dispatcher.compose(interceptors.redirect({ maxRedirections: 20 }));
        return await requestFetch(following, input as string | URL, init);
      }
      // The SDKs pass a URL string; a Request from Node's global undici is not one undici@7 knows.
      const url = typeof input === 'string' || input instanceof URL ? input : input.url;
      const fromRequest =
        typeof input === 'string' || input instanceof URL
          ? {}
          : { method: input.method, headers: input.headers, body: input.body, duplex: 'half' };
      const { fetch: undiciFetch } = await (fetchPart ??= loadChunk("undici's fetch", () => import('./undiciFetch')));
      const response = await undiciFetch(url, { ...fromRequest, ...init, dispatcher } as Parameters<
        typeof undiciFetch
      >[1]);
      return response as unknown as Response;
    } catch (err) {
      const connect = connectTimeoutCause(err);
      throw connect ? new SlowConnectError(connect, options.connectTimeoutMs) : err;
    }
  };
}

const CONNECT_TIMEOUT = 'UND_ERR_CONNECT_TIMEOUT';

/**
 * undici's connect timeout, reworded. The Stainless SDKs turn any fetch error whose text matches
 * /timed? ?out/ into an APIConnectionTimeoutError that drops the cause, and with it the phase;
 * this error avoids those words (and has no `cause`), so the SDK wraps it in an APIConnectionError
 * that keeps it, and the adapters can report a connect timeout as one.
 */
export class SlowConnectError extends Error {
  override name = 'SlowConnectError';
  readonly code = CONNECT_TIMEOUT;

  constructor(
    readonly undiciError: Error,
    readonly connectTimeoutMs: number,
  ) {
    const address = /attempted address: ([^,)]+)/.exec(undiciError.message)?.[1];
    super(`Could not connect${address ? ` to ${address}` : ''} within ${connectTimeoutMs} ms`);
  }
}

/** True when undici gave up opening the connection, however deep the SDK wrapped it. */
export function isConnectTimeout(err: unknown): boolean {
  return connectTimeoutCause(err) !== undefined;
}

/** undici's ConnectTimeoutError, found along the `cause` chain. */
export function connectTimeoutCause(err: unknown): Error | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === CONNECT_TIMEOUT) return current as Error;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
