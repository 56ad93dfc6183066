import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Agent, fetch as undiciFetch, interceptors } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetch } from '../../../../daemon/providers/httpFetch';
import { isPlainRequest, requestFetch } from '../../../../daemon/providers/requestFetch';

/**
 * requestFetch against undici's own fetch, on one loopback server: what the SDKs and the
 * adapters' error mapping see (status, headers, body, the error's name, message and cause) must
 * be the same whichever of the two sent the request.
 */
const seen: http.IncomingHttpHeaders[] = [];
/** Requests whose body has been read, in order, so a test can wait on one being answered. */
const bodies: string[] = [];
let release: (() => void) | undefined;
const server = http.createServer((req, res) => {
  seen.push(req.headers);
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    bodies.push(body);
    const path = req.url ?? '';
    if (path === '/json') {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-request-id', 'req_1');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ echo: body, method: req.method }));
    } else if (path === '/gzip') {
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync('squeezed answer'));
    } else if (path === '/empty') {
      res.statusCode = 204;
      res.end();
    } else if (path === '/moved') {
      res.statusCode = 307;
      res.setHeader('location', '/json');
      res.end();
    } else if (path === '/status') {
      res.statusCode = 429;
      res.setHeader('retry-after', '3');
      res.end('{"error":"slow down"}');
    } else if (path === '/reset') {
      req.socket.destroy();
    } else if (path === '/cut') {
      // Headers and half the promised body, then the connection goes.
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => req.socket.destroy());
    } else if (path === '/hold') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      release = () => res.end('data: last\n\n');
    }
  });
});
let base = '';
const plain = new Agent();
const following = new Agent().compose(interceptors.redirect({ maxRedirections: 20 }));

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await plain.close();
});

type Sent = (path: string, init?: RequestInit) => Promise<Response>;
const sides: Record<'fetch' | 'requestFetch', Sent> = {
  fetch: (path, init) =>
    undiciFetch(base + path, { ...init, dispatcher: plain } as Parameters<
      typeof undiciFetch
    >[1]) as unknown as Promise<Response>,
  requestFetch: (path, init) => requestFetch(following, base + path, init),
};

/** What the SDKs' error mapping reads from an error. */
function shape(err: unknown): unknown {
  const e = err as { name?: string; message?: string; cause?: { code?: string; name?: string } };
  return { name: e.name, message: e.message, cause: e.cause?.code ?? e.cause?.name };
}

async function outcome(send: Sent, path: string, init?: RequestInit): Promise<unknown> {
  try {
    const r = await send(path, init);
    return { status: r.status, body: await r.text() };
  } catch (err) {
    return { thrown: shape(err) };
  }
}

describe('requestFetch answers as undici fetch does', () => {
  it('status, headers, JSON body and url', async () => {
    const r = await requestFetch(following, `${base}/json`, {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', authorization: 'Bearer sk-fake-test' }),
      body: '{"q":1}',
    });
    expect(r.status).toBe(200);
    expect(r.ok).toBe(true);
    expect(r.url).toBe(`${base}/json`);
    expect(r.headers.get('x-request-id')).toBe('req_1');
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await r.json()).toEqual({ echo: '{"q":1}', method: 'POST' });
    expect(seen.at(-1)?.authorization).toBe('Bearer sk-fake-test');
  });

  it.each(['/json', '/gzip', '/empty', '/moved', '/status'])('%s: the same status and body', async (path) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":2}' };
    expect(await outcome(sides.requestFetch, path, init)).toEqual(await outcome(sides.fetch, path, init));
  });

  it('a 204 has a null body, a gzip body is undone', async () => {
    expect((await requestFetch(following, `${base}/empty`, {})).body).toBeNull();
    expect(await (await requestFetch(following, `${base}/gzip`, {})).text()).toBe('squeezed answer');
    expect(seen.at(-1)?.['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('a connection reset before the headers: TypeError fetch failed, with the same cause', async () => {
    const got = await outcome(sides.requestFetch, '/reset');
    expect(got).toEqual(await outcome(sides.fetch, '/reset'));
    expect(got).toMatchObject({ thrown: { name: 'TypeError', message: 'fetch failed' } });
  });

  it('a connection cut inside the body: the read fails with TypeError terminated, as fetch', async () => {
    const got = await outcome(sides.requestFetch, '/cut');
    expect(got).toEqual(await outcome(sides.fetch, '/cut'));
    expect(got).toMatchObject({ thrown: { name: 'TypeError', message: 'terminated' } });
  });

  it('an abort before the answer rejects with the signal reason, as fetch', async () => {
    for (const send of Object.values(sides)) {
      const controller = new AbortController();
      const pending = send('/hold', { signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    }
    const aborted = AbortSignal.abort(new Error('the caller gave up'));
    await expect(requestFetch(following, `${base}/json`, { signal: aborted })).rejects.toThrow('the caller gave up');
  });

  it('an abort while the body streams fails the read with the signal reason, as fetch', async () => {
    for (const send of Object.values(sides)) {
      const controller = new AbortController();
      const r = await send('/hold', { signal: controller.signal });
      const reader = r.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
      controller.abort();
      await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    }
  });

  it('a streamed body arrives chunk by chunk, in order, and ends', async () => {
    const r = await requestFetch(following, `${base}/hold`, {});
    const reader = r.body!.getReader();
    const decode = new TextDecoder();
    expect(decode.decode((await reader.read()).value)).toBe('data: first\n\n');
    release?.();
    expect(decode.decode((await reader.read()).value)).toBe('data: last\n\n');
    expect((await reader.read()).done).toBe(true);
  });
});

describe('createHttpFetch', () => {
  it('sends a plain request over requestFetch, and anything else over undici fetch', async () => {
    const send = createHttpFetch({ connectTimeoutMs: 5_000 });
    await (await send(`${base}/json`, { method: 'POST', body: '{}' })).text();
    // undici's fetch adds sec-fetch-mode to every request; requestFetch does not.
    expect(seen.at(-1)?.['sec-fetch-mode']).toBeUndefined();
    const stream = new Blob(['{}']).stream();
    await (await send(`${base}/json`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit)).text();
    expect(seen.at(-1)?.['sec-fetch-mode']).toBe('cors');
    expect(bodies.at(-1)).toBe('{}');
  });

  it("sends the runtime's FormData as multipart, file and fields whole (an SDK's upload)", async () => {
    const send = createHttpFetch({ connectTimeoutMs: 5_000 });
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob(['{"custom_id":"1"}\n'], { type: 'application/jsonl' }), 'conduit-batch.jsonl');
    await (
      await send(`${base}/json`, { method: 'POST', body: form, headers: { 'x-caller': 'sdk', 'content-length': '5' } })
    ).text();
    const headers = seen.at(-1)!;
    expect(headers['x-caller']).toBe('sdk');
    // A length set before encoding is not the multipart body's: the sent one is.
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(bodies.at(-1)!));
    // Read back with the runtime's own multipart parser.
    const parsed = await new Response(bodies.at(-1), {
      headers: { 'content-type': headers['content-type']! },
    }).formData();
    expect(parsed.get('purpose')).toBe('batch');
    const file = parsed.get('file') as File;
    expect(file.name).toBe('conduit-batch.jsonl');
    expect(await file.text()).toBe('{"custom_id":"1"}\n');
  });

  it('isPlainRequest: URL strings with string, bytes or no body', () => {
    expect(isPlainRequest('http://x/', { body: 'a' })).toBe(true);
    expect(isPlainRequest(new URL('http://x/'), { body: new Uint8Array(1) })).toBe(true);
    expect(isPlainRequest('http://x/', undefined)).toBe(true);
    expect(isPlainRequest('http://x/', { redirect: 'manual' })).toBe(false);
    expect(isPlainRequest('http://x/', { body: new Blob(['a']) })).toBe(false);
  });
});
