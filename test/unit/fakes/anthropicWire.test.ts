import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../fakes/useFakeProvider';
import { parseSse } from '../../fakes/parseSse';

const env = useFakeProvider();

function post(body: unknown, headers: Record<string, string> = { 'x-api-key': 'sk-ant-test' }): Promise<Response> {
  return fetch(`${env.fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const request = { model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] };

describe('fake Anthropic /v1/messages', () => {
  it('answers JSON with the message shape, usage and rate-limit headers', async () => {
    env.fake.enqueue('anthropic', { text: 'Hi there', usage: { input: 10, output: 3, cacheRead: 4, cacheWrite: 2 } });
    const res = await post(request);
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('3999');
    expect(res.headers.get('anthropic-ratelimit-tokens-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [{ type: 'text', text: 'Hi there' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 4, cache_creation_input_tokens: 2 },
    });
  });

  it('streams message_start, blocks, deltas, message_delta and message_stop', async () => {
    env.fake.enqueue('anthropic', {
      deltas: ['He', 'llo'],
      usage: { input: 9, output: 5, cacheRead: 1, cacheWrite: 2 },
    });
    const res = await post({ ...request, stream: true });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const [start, , , d1, d2, , delta] = events.map((e) => JSON.parse(e.data) as unknown);
    expect(start).toMatchObject({
      message: { usage: { input_tokens: 9, cache_read_input_tokens: 1, cache_creation_input_tokens: 2 } },
    });
    expect(d1).toMatchObject({ delta: { type: 'text_delta', text: 'He' } });
    expect(d2).toMatchObject({ delta: { type: 'text_delta', text: 'llo' } });
    expect(delta).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } });
  });

  it('accepts Authorization: Bearer as well as x-api-key, and records which key came', async () => {
    const res = await post(request, { authorization: 'Bearer sk-ant-bearer' });
    expect(res.status).toBe(200);
    expect(env.fake.lastRequest('anthropic')?.apiKey).toBe('sk-ant-bearer');
  });

  it('rejects a request without a key with the real 401 body', async () => {
    const res = await post(request, {});
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(body.request_id).toBe(res.headers.get('request-id'));
  });

  it.each([
    [400, 'invalid_request_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ])('renders status %i as error type %s', async (status, type) => {
    env.fake.enqueue('anthropic', { status, headers: { 'retry-after': '3' } });
    const res = await post(request);
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toMatchObject({
      type: 'error',
      error: { type },
      request_id: res.headers.get('request-id'),
    });
  });

  it('sends event: error mid-stream after N deltas', async () => {
    env.fake.enqueue('anthropic', { deltas: ['a', 'b', 'c'], fault: { kind: 'sseError', afterDeltas: 2 } });
    const events = parseSse(await (await post({ ...request, stream: true })).text());
    expect(events.filter((e) => e.event === 'content_block_delta')).toHaveLength(2);
    const last = events[events.length - 1];
    expect(last?.event).toBe('error');
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});
