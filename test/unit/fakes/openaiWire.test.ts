import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../fakes/useFakeProvider';
import { parseSse } from '../../fakes/parseSse';

const env = useFakeProvider();

function post(
  body: unknown,
  prefix = '',
  headers: Record<string, string> = { authorization: 'Bearer sk-test' },
): Promise<Response> {
  return fetch(`${env.fake.url}${prefix}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const request = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] };

describe('fake OpenAI /v1/chat/completions', () => {
  it('answers JSON with choices, usage details and x-ratelimit headers', async () => {
    env.fake.enqueue('openai', { text: 'Hi!', usage: { input: 20, output: 9, cacheRead: 8, reasoning: 4 } });
    const res = await post(request);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('x-ratelimit-reset-requests')).toBe('6ms');
    expect(await res.json()).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 20,
        completion_tokens: 9,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    });
  });

  it('streams chunks with usage: null, then the choices: [] usage chunk, then [DONE]', async () => {
    env.fake.enqueue('openai', { deltas: ['A', 'B'], usage: { input: 3, output: 2 } });
    const events = parseSse(
      await (await post({ ...request, stream: true, stream_options: { include_usage: true } })).text(),
    );
    expect(events[events.length - 1]?.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    for (const chunk of chunks) expect(chunk.object).toBe('chat.completion.chunk');
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
    const texts = chunks.map((c) => (c.choices as Array<{ delta: { content?: string } }>)[0]?.delta.content ?? '');
    expect(texts.join('')).toBe('AB');
    const finish = chunks[chunks.length - 2]?.choices as Array<{ finish_reason: string | null }>;
    expect(finish[0]?.finish_reason).toBe('stop');
    expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
  });

  it('omits usage entirely without stream_options.include_usage', async () => {
    const events = parseSse(await (await post({ ...request, stream: true })).text());
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    for (const chunk of chunks) expect('usage' in chunk).toBe(false);
  });

  it('serves OpenAI-compatible mounts under a prefix and records it', async () => {
    const res = await post(request, '/compat');
    expect(res.status).toBe(200);
    const rec = env.fake.lastRequest('openai');
    expect(rec?.prefix).toBe('/compat');
    expect(rec?.path).toBe('/v1/chat/completions');
  });

  it('rejects a missing key with the real 401 body', async () => {
    const res = await post(request, '', {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null, param: null } });
  });

  it('renders insufficient_quota as a 429 with that type and code', async () => {
    env.fake.enqueue('openai', { status: 429, error: { code: 'insufficient_quota' } });
    const res = await post(request);
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining('quota') as unknown,
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    });
  });

  it('renders a rate limit with retry-after-ms and x-should-retry headers', async () => {
    env.fake.enqueue('openai', { status: 429, headers: { 'retry-after-ms': '250', 'x-should-retry': 'true' } });
    const res = await post(request);
    expect(res.headers.get('retry-after-ms')).toBe('250');
    expect(res.headers.get('x-should-retry')).toBe('true');
    expect(await res.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
  });

  it('sends an error data object mid-stream', async () => {
    env.fake.enqueue('openai', { deltas: ['a', 'b'], fault: { kind: 'sseError', afterDeltas: 1 } });
    const events = parseSse(await (await post({ ...request, stream: true })).text());
    expect(JSON.parse(events[events.length - 1]?.data ?? '{}')).toMatchObject({ error: { type: 'server_error' } });
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });
});
