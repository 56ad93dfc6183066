import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../fakes/useFakeProvider';
import { parseSse } from '../../fakes/parseSse';

const env = useFakeProvider();

const messages = [{ role: 'user', content: 'hi' }];

function anthropic(stream: boolean, signal?: AbortSignal): Promise<Response> {
  return fetch(`${env.fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: JSON.stringify({ model: 'm', max_tokens: 10, messages, stream }),
    signal,
  });
}

/** Reads the body chunk by chunk, as the network delivered it. */
async function readChunks(res: Response): Promise<string[]> {
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read())
    chunks.push(decoder.decode(r.value, { stream: true }));
  return chunks;
}

describe('fake provider raw bodies and headers', () => {
  it('serves an HTML 502 verbatim', async () => {
    env.fake.enqueue('anthropic', { status: 502, rawBody: '<html><body>502 Bad Gateway</body></html>' });
    const res = await anthropic(false);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toBe('<html><body>502 Bad Gateway</body></html>');
  });

  it('serves an empty 503 with no content type', async () => {
    env.fake.enqueue('anthropic', { status: 503, rawBody: '', headers: { 'retry-after': '2' } });
    const res = await anthropic(false);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBeNull();
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.text()).toBe('');
  });

  it('lets a script remove a default header', async () => {
    env.fake.enqueue('anthropic', { headers: { 'request-id': null } });
    const res = await anthropic(false);
    expect(res.headers.get('request-id')).toBeNull();
  });

  it('delays the headers and the chunks', async () => {
    env.fake.enqueue('anthropic', { headerDelayMs: 120, chunkDelayMs: 20, deltas: ['a', 'b'] });
    const started = Date.now();
    const res = await anthropic(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    const bodyStarted = Date.now();
    await res.text();
    // 8 events, so 7 gaps of 20 ms.
    expect(Date.now() - bodyStarted).toBeGreaterThanOrEqual(120);
  });
});

describe('fake provider stream faults', () => {
  it('truncates: ends cleanly after N deltas, without the end events', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a', 'b', 'c'], fault: { kind: 'truncate', afterDeltas: 2 } });
    const events = parseSse(await (await anthropic(true)).text());
    expect(events.filter((e) => e.event === 'content_block_delta')).toHaveLength(2);
    expect(events.some((e) => e.event === 'message_stop' || e.event === 'message_delta')).toBe(false);
  });

  it('truncates a JSON body mid-way', async () => {
    env.fake.enqueue('openai', { fault: { kind: 'truncate', afterDeltas: 0 } });
    const res = await fetch(`${env.fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: '{}',
    });
    const text = await res.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('resets the connection after N deltas', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a', 'b', 'c'], fault: { kind: 'reset', afterDeltas: 1 } });
    const res = await anthropic(true);
    await expect(res.text()).rejects.toThrow();
    expect(await env.fake.lastRequest()?.outcome).toBe('dropped');
  });

  it('resets a JSON request before any byte', async () => {
    env.fake.enqueue('anthropic', { fault: { kind: 'reset', afterDeltas: 0 } });
    await expect(anthropic(false)).rejects.toThrow();
  });

  it('hangs after the headers until the client gives up, and sees the abort', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a', 'b'], fault: { kind: 'hang', afterDeltas: 1 } });
    const ac = new AbortController();
    const res = await anthropic(true, ac.signal);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(first?.done).toBe(false);
    const rec = env.fake.lastRequest();
    const abortSent = Date.now();
    ac.abort();
    const abortedAt = await rec?.waitForAbort(1000);
    expect((abortedAt ?? Infinity) - abortSent).toBeLessThan(1000);
    expect(await rec?.outcome).toBe('aborted');
  });

  it('pings forever until the client leaves', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a'], fault: { kind: 'pingForever', afterDeltas: 1, intervalMs: 5 } });
    const ac = new AbortController();
    const res = await anthropic(true, ac.signal);
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while ((text.match(/event: ping/g) ?? []).length < 6) {
      const r = await reader?.read();
      if (!r || r.done) throw new Error('stream ended');
      text += decoder.decode(r.value, { stream: true });
    }
    ac.abort();
    await env.fake.lastRequest()?.waitForAbort(1000);
    expect(text).not.toContain('message_stop');
  });

  it('writes one byte at a time, and the bytes still add up to the same stream', async () => {
    env.fake.enqueue('anthropic', { text: 'naïve café ☕', byteByByte: true });
    const chunks = await readChunks(await anthropic(true));
    expect(chunks.length).toBeGreaterThan(50);
    const text = parseSse(chunks.join(''))
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (JSON.parse(e.data) as { delta: { text: string } }).delta.text)
      .join('');
    expect(text).toBe('naïve café ☕');
  });

  it('frames events with CRLF when asked', async () => {
    env.fake.enqueue('openai', { lineEnding: '\r\n' });
    const res = await fetch(`${env.fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'm', messages, stream: true }),
    });
    const body = await res.text();
    expect(body).toContain('\r\n\r\n');
    expect(body.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('serves recorded chunks in the provider framing', async () => {
    env.fake.enqueue('gemini', {
      rawChunks: [{ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] }],
    });
    const res = await fetch(`${env.fake.url}/v1beta/models/g:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k' },
      body: '{}',
    });
    expect(parseSse(await res.text())).toEqual([
      { event: null, data: '{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"STOP"}]}' },
    ]);
  });
});
