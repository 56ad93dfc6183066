import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../fakes/useFakeProvider';

const env = useFakeProvider();

function openai(body: unknown, key = 'sk-secret-123'): Promise<Response> {
  return fetch(`${env.fake.url}/v1/chat/completions?trace=1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}`, 'X-Custom': 'yes' },
    body: JSON.stringify(body),
  });
}

describe('fake provider recording', () => {
  it('records provider, path, method, lower-cased headers, parsed body, key and time', async () => {
    const before = Date.now();
    await (await openai({ model: 'gpt-x', messages: [], stream: false })).text();
    const [rec] = await env.fake.waitForRequests(1);
    expect(rec).toMatchObject({
      provider: 'openai',
      method: 'POST',
      path: '/v1/chat/completions',
      prefix: '',
      query: { trace: '1' },
      body: { model: 'gpt-x', messages: [], stream: false },
      apiKey: 'sk-secret-123',
      model: 'gpt-x',
      stream: false,
    });
    expect(rec?.headers['x-custom']).toBe('yes');
    expect(rec?.headers['content-type']).toBe('application/json');
    expect(rec?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(await rec?.outcome).toBe('finished');
  });

  it('never lets the key out through JSON', async () => {
    await (await openai({ model: 'm' })).text();
    const json = JSON.stringify(env.fake.requests);
    expect(json).not.toContain('sk-secret-123');
    expect(json).toContain('[redacted]');
    expect(JSON.parse(json)).toMatchObject([{ apiKey: expect.stringMatching(/^sha256:[0-9a-f]{8}$/) as unknown }]);
  });

  it('answers from the queue in order, then from the default', async () => {
    env.fake.enqueue('openai', { text: 'one' }, { text: 'two' });
    env.fake.setDefault('openai', { text: 'default' });
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const body = (await (await openai({ model: 'm' })).json()) as {
        choices: Array<{ message: { content: string } }>;
      };
      texts.push(body.choices[0]?.message.content ?? '');
    }
    expect(texts).toEqual(['one', 'two', 'default']);
    expect(env.fake.pending('openai')).toBe(0);
  });

  it('keeps queues apart per provider', async () => {
    env.fake.enqueue('anthropic', { status: 500 });
    const res = await openai({ model: 'm' });
    expect(res.status).toBe(200);
    expect(env.fake.pending('anthropic')).toBe(1);
  });

  it('waitForRequests waits for late requests and times out when they never come', async () => {
    const waiting = env.fake.waitForRequests(2, 2000);
    await (await openai({})).text();
    await (await openai({})).text();
    expect(await waiting).toHaveLength(2);
    await expect(env.fake.waitForRequests(3, 50)).rejects.toThrow(/expected 3 requests/);
  });

  it('answers unknown routes with 404 and still records them', async () => {
    const res = await fetch(`${env.fake.url}/v2/unknown`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(env.fake.lastRequest()?.provider).toBeNull();
  });

  it('handles 200 concurrent streams, twice, reusing kept-alive connections', async () => {
    env.fake.setDefault('openai', { deltas: ['a', 'b', 'c'], chunkDelayMs: 5 });
    const batch = (): Promise<string[]> =>
      Promise.all(
        Array.from({ length: 200 }, async () => {
          const res = await openai({ model: 'm', messages: [], stream: true });
          return res.text();
        }),
      );
    const first = await batch();
    const second = await batch();
    for (const body of [...first, ...second]) expect(body).toContain('data: [DONE]');
    const ports = new Set(env.fake.requests.map((r) => r.remotePort));
    expect(env.fake.requests).toHaveLength(400);
    expect(ports.size).toBeLessThan(400);
  });
});
