import type { ServerResponse } from 'node:http';
import type { FakeProviderServer } from './fakeProvider';
import type { ScriptedResponse, WireProvider } from './script';
import { WireProviders } from './script';
import { isRecord } from './wireFormat';

function isProvider(value: unknown): value is WireProvider {
  return typeof value === 'string' && (WireProviders as readonly string[]).includes(value);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Scripting over HTTP, for a fake started by serve.ts in another process:
 * - POST /__fake/enqueue  {"provider":"openai","scripts":[{...}]}  (or "script": {...})
 * - POST /__fake/default  {"provider":"openai","script":{...}}
 * - GET  /__fake/requests (keys and auth headers redacted by RecordedRequest.toJSON)
 * - POST /__fake/reset
 * - GET  /__fake/embeddings (the embedding calls: provider, model, inputs)
 * - POST /__fake/embeddings {"perCallMs":80,"perInputMs":0.2}  (their latency)
 * Scripts are trusted test input, so they are passed through without validation.
 */
export function handleControl(
  fake: FakeProviderServer,
  method: string,
  path: string,
  body: unknown,
  res: ServerResponse,
): void {
  if (method === 'GET' && path === '/__fake/requests') return reply(res, 200, fake.requests);
  if (method === 'GET' && path === '/__fake/embeddings') return reply(res, 200, fake.embeddings.calls);
  if (method !== 'POST') return reply(res, 405, { error: 'use POST' });
  if (path === '/__fake/reset') {
    fake.reset();
    return reply(res, 200, { ok: true });
  }
  if (path === '/__fake/embeddings' && isRecord(body)) {
    fake.embeddings.latency = { perCallMs: Number(body.perCallMs ?? 0), perInputMs: Number(body.perInputMs ?? 0) };
    return reply(res, 200, { ok: true });
  }
  if (!isRecord(body) || !isProvider(body.provider)) {
    return reply(res, 400, { error: `body.provider must be one of ${WireProviders.join(', ')}` });
  }
  const scripts = (Array.isArray(body.scripts) ? body.scripts : [body.script ?? {}]) as ScriptedResponse[];
  if (path === '/__fake/enqueue') {
    fake.enqueue(body.provider, ...scripts);
    return reply(res, 200, { ok: true, pending: fake.pending(body.provider) });
  }
  if (path === '/__fake/default') {
    fake.setDefault(body.provider, scripts[0] ?? {});
    return reply(res, 200, { ok: true });
  }
  return reply(res, 404, { error: `unknown control path ${path}` });
}
