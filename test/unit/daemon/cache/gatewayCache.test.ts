import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConduitError, type ChatRequest } from '../../../../protocol';
import { LexicalEmbedder } from '../../../../daemon/cache/lexicalEmbedder';
import { ResponseCache } from '../../../../daemon/cache/responseCache';
import { configSchema, type ConduitConfig } from '../../../../daemon/config/config';
import { Gateway } from '../../../../daemon/gateway/gateway';
import { Redactor } from '../../../../daemon/guard/redact';
import { waitFor } from '../../../integration/harness';
import { Logger } from '../../../../daemon/log/logger';
import { BreakerRegistry } from '../../../../daemon/resilience/breakerRegistry';
import { FakeProviderServer } from '../../../fakes/fakeProvider';

/** The real gateway and SDK against the in-process fake: what the cache step stores and serves. */
describe('gateway cache step', () => {
  let fake: FakeProviderServer;
  let dir: string;
  let gateway: Gateway;
  let cache: ResponseCache;
  const config: ConduitConfig = configSchema.parse({ resilience: { maxAttempts: 1 } });

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-gw-'));
  });
  afterAll(async () => {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.reset();
    const redactor = new Redactor();
    cache = new ResponseCache({ settings: () => config.cache, embedder: new LexicalEmbedder() });
    gateway = new Gateway({
      config: () => config,
      logger: new Logger({ dir, redactor }),
      redactor,
      breakers: new BreakerRegistry(() => config.resilience.breaker),
      cache,
      env: { OPENAI_API_KEY: 'sk-test-FAKE-unit', OPENAI_BASE_URL: fake.baseURL('openai') },
    });
  });

  const send = (request: ChatRequest, stream = false) => {
    const chunks: string[] = [];
    const result = gateway.send(request, {
      requestId: `r${Math.random()}`,
      client: 'other',
      signal: new AbortController().signal,
      ...(stream ? { sink: { chunk: (d: string) => void chunks.push(d) } } : {}),
    });
    return { result, chunks };
  };
  const ask = (content: string): ChatRequest => ({
    messages: [{ role: 'user', content }],
    provider: 'openai',
    temperature: 0,
  });

  it('a truncated stream is never cached', async () => {
    fake.enqueue('openai', { deltas: ['one ', 'two ', 'three'], fault: { kind: 'truncate', afterDeltas: 2 } });
    await expect(send(ask('cut me'), true).result).rejects.toBeInstanceOf(ConduitError);
    expect(cache.stats(true).entries).toBe(0);
    const again = await send(ask('cut me'), true).result;
    expect(again.cache).toBe('none');
    expect(fake.requestsFor('openai')).toHaveLength(2);
  });

  it('a simplified (degraded) answer is never cached', async () => {
    fake.setDefault('openai', { status: 503 });
    const r = await send(ask('down')).result;
    expect(r.degraded).toBeDefined();
    expect(cache.stats(true).entries).toBe(0);
  });

  it('a semantic hit says so, with the similarity and the prompt it matched', async () => {
    await send(ask('How do I reverse a string in Python?')).result;
    await waitFor(() => cache.stats(true).semantic.indexed === 1, 60_000, 'the answer to be indexed');
    const { result, chunks } = send(ask('how can I reverse a string in python'), true);
    const r = await result;
    expect(r.cache).toBe('semantic');
    expect(r.cacheMatch).toEqual({ similarity: expect.any(Number), prompt: 'How do I reverse a string in Python?' });
    expect(r.cacheMatch!.similarity).toBeGreaterThanOrEqual(0.95);
    expect(chunks.join('')).toBe(r.text);
    expect(fake.requestsFor('openai')).toHaveLength(1);
  });
});
