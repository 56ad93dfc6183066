import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ONE_PROVIDER, useDaemonAndFake } from './harness';
import { endpointToken, freePort, rawRequest, writeConfig } from './localEndpointHelpers';

const chatBody = JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] });

describe('local endpoint: refusals', () => {
  // One provider: its outage is the endpoint's answer, and every upstream request is counted.
  const env = useDaemonAndFake({ env: ONE_PROVIDER });
  let port = 0;
  let token = '';
  let pid = 0;
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    port = await freePort();
    writeConfig(env.h, {
      server: { enabled: true, port, maxBodyBytes: 4096, allowedOrigins: ['http://localhost:5173'] },
      resilience: { maxAttempts: 1 },
    });
    const client = await env.h.connect();
    pid = client.hello.pid;
    client.close();
    token = endpointToken(env.h);
  });

  it("without the token: 401 in each API's shape; a wrong token and a provider-style key too", async () => {
    const none = await rawRequest(port, { path: '/v1/chat/completions', headers: json, body: chatBody });
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
    const wrong = await rawRequest(port, {
      path: '/v1/messages',
      headers: { ...json, 'x-api-key': 'sk-ant-not-the-token' },
      body: chatBody,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(wrong.text).not.toContain('sk-ant-not-the-token');
    const ipcToken = await rawRequest(port, {
      method: 'GET',
      path: '/v1/models',
      headers: { authorization: `Bearer ${fs.readFileSync(path.join(env.h.home, 'token'), 'utf8').trim()}` },
    });
    expect(ipcToken.status).toBe(401);
    expect(env.fake.requests).toHaveLength(0);
  });

  it('a Host other than loopback:PORT is refused (DNS rebinding), even with the token', async () => {
    for (const host of ['evil.example:' + String(port), `127.0.0.1:${port + 1}`, 'localhost']) {
      const r = await rawRequest(port, {
        method: 'GET',
        path: '/v1/models',
        headers: { host, authorization: `Bearer ${token}` },
      });
      expect(r.status, host).toBe(421);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const r = await rawRequest(port, {
        method: 'GET',
        path: '/v1/models',
        headers: { host, authorization: `Bearer ${token}` },
      });
      expect(r.status, host).toBe(200);
    }
  });

  it('a browser Origin is refused unless configured; no CORS headers otherwise; an allowed origin gets them', async () => {
    const page = await rawRequest(port, {
      method: 'GET',
      path: '/v1/models',
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(page.status).toBe(403);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const plain = await rawRequest(port, {
      method: 'GET',
      path: '/v1/models',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(plain.status).toBe(200);
    expect(Object.keys(plain.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const preflight = await rawRequest(port, {
      method: 'OPTIONS',
      path: '/v1/chat/completions',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const allowed = await rawRequest(port, {
      method: 'GET',
      path: '/v1/models',
      headers: { origin: 'http://localhost:5173', authorization: `Bearer ${token}` },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('a body over server.maxBodyBytes gets 413, by Content-Length or by counting a chunked upload', async () => {
    const big = JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    const declared = await rawRequest(port, {
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({ error: { code: 'too_large' } });
    const chunked = await rawRequest(port, {
      path: '/v1/messages',
      headers: { ...json, 'x-api-key': token, 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
    expect(chunked.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    expect(env.fake.requests).toHaveLength(0);
  });

  it("malformed requests get 400 or 404 in the API's shape, with what to fix", async () => {
    const notJson = await rawRequest(port, {
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: '{"model":',
    });
    expect(notJson.status).toBe(400);
    const noMessages = await rawRequest(port, {
      path: '/v1/messages',
      headers: { ...json, 'x-api-key': token },
      body: JSON.stringify({ model: 'claude-haiku-5-5', max_tokens: 5 }),
    });
    expect(noMessages.status).toBe(400);
    expect(noMessages.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('messages') as unknown },
    });
    const unknownModel = await rawRequest(port, {
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(unknownModel.status).toBe(404);
    expect((unknownModel.json() as { error: { message: string } }).error.message).toContain('conduit/simple');
    // OpenAI's own answer to an unknown model: 404, code model_not_found, param model.
    expect(unknownModel.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'model_not_found', param: 'model' },
    });
    expect(unknownModel.headers['x-conduit-error-code']).toBe('not_found');
    const unknownPath = await rawRequest(port, {
      method: 'GET',
      path: '/v1/files',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unknownPath.status).toBe(404);
    expect(env.fake.requests).toHaveLength(0);
  });

  it('a provider outage is the error in the API shape, not the simplified answer IPC clients get', async () => {
    env.fake.enqueue('openai', { status: 429, headers: { 'retry-after': '7' } });
    const r = await rawRequest(port, {
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'outage' }] }),
    });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(env.fake.requests).toHaveLength(1);
  });

  it('after all that the daemon is the same process and still answers through the endpoint', async () => {
    expect((await env.h.status()).pid).toBe(pid);
    const ok = await rawRequest(port, {
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: chatBody,
    });
    expect(ok.status).toBe(200);
    expect(env.fake.requests).toHaveLength(1);
  });
});
