import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';

/** What `requestFetch` can send itself; anything else (a Request, a stream or form body) goes to undici's fetch. */
export function isPlainRequest(input: string | URL | Request, init: RequestInit | undefined): boolean {
  if (typeof input !== 'string' && !(input instanceof URL)) return false;
  const body = init?.body;
  const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  return plainBody && (init?.redirect === undefined || init.redirect === 'follow');
}

/** Statuses whose Response may not have a body (the Response constructor throws on one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` for the SDKs over undici's `request` API: the same connection pool, under half
 * the CPU of undici's WHATWG `fetch` per call (docs/performance.md, "Fourth pass"), which builds a
 * Request, a fetch controller and header lists, and sends a string body as an async iterable.
 * What the SDKs and the adapters' error mapping see is what `fetch` gives them: a real Response
 * (status, headers, a web stream body, `url`); a network error before the headers as
 * `TypeError('fetch failed', { cause })`; one while the body is read as `TypeError('terminated',
 * { cause })`; an abort as the signal's reason. Like `fetch`, it asks for and undoes gzip,
 * deflate and br, and follows redirects (the dispatcher's redirect interceptor).
 */
export async function requestFetch(
  dispatcher: Dispatcher,
  input: string | URL,
  init: RequestInit | undefined,
): Promise<Response> {
  const url = typeof input === 'string' ? new URL(input) : input;
  const signal = init?.signal ?? undefined;
  signal?.throwIfAborted();
  const headers = headerRecord(init?.headers);
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  let data: Dispatcher.ResponseData;
  try {
    data = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: init?.method ?? 'GET',
      headers,
      body: (init?.body ?? null) as string | Uint8Array | null,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError('fetch failed', { cause: err });
  }
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(data.headers)) {
    if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
    else if (value !== undefined) responseHeaders.append(name, value);
  }
  const init2 = { status: data.statusCode, statusText: data.statusText ?? '', headers: responseHeaders };
  let response: Response;
  if (NULL_BODY.has(data.statusCode) || init?.method === 'HEAD') {
    data.body.resume();
    response = new Response(null, init2);
  } else {
    response = new Response(webBody(decoded(data.body, responseHeaders.get('content-encoding')), signal), init2);
  }
  // `url` is read-only on a constructed Response; the SDKs put it in their debug logs.
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}

/** The request's headers as one record, whichever form the SDK passed them in. */
function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  };
  if (headers instanceof Headers) headers.forEach((value, name) => add(name, value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) add(name, value);
  else for (const [name, value] of Object.entries(headers)) add(name, value);
  return out;
}

/** The body with its content-encoding undone, as `fetch` does. */
function decoded(body: Readable, encoding: string | null): Readable {
  const coding = encoding?.trim().toLowerCase();
  const decoder =
    coding === 'gzip' || coding === 'x-gzip'
      ? createGunzip()
      : coding === 'deflate'
        ? createInflate()
        : coding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return body;
  body.on('error', (err) => decoder.destroy(err));
  decoder.on('close', () => body.destroy());
  return body.pipe(decoder);
}

/**
 * A byte stream fed from the Node stream, pausing it while the reader is 64 KB behind. An error
 * reaches the reader as `fetch`'s would: the abort reason, else `TypeError('terminated')`.
 */
function webBody(body: Readable, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        body.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) body.pause();
        });
        body.on('end', () => controller.close());
        body.on('error', (err) => {
          controller.error(signal?.aborted ? signal.reason : new TypeError('terminated', { cause: err }));
        });
      },
      pull() {
        body.resume();
      },
      cancel(reason) {
        body.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}
