import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../fakes/useFakeProvider';
import { parseSse } from '../../fakes/parseSse';

const env = useFakeProvider();

function post(action: string, headers: Record<string, string> = { 'x-goog-api-key': 'AIza-test' }): Promise<Response> {
  return fetch(`${env.fake.url}/v1beta/models/gemini-test:${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
  });
}

describe('fake Gemini generateContent', () => {
  it('answers JSON with candidates, finishReason and usageMetadata', async () => {
    env.fake.enqueue('gemini', {
      text: 'Hello',
      usage: { input: 5, output: 2, cacheRead: 3, reasoning: 7 },
      responseId: 'resp-1',
    });
    const res = await post('generateContent');
    expect(await res.json()).toEqual({
      candidates: [{ content: { parts: [{ text: 'Hello' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: 5,
        candidatesTokenCount: 2,
        totalTokenCount: 14,
        cachedContentTokenCount: 3,
        thoughtsTokenCount: 7,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
      },
      modelVersion: 'gemini-test',
      responseId: 'resp-1',
    });
    expect(env.fake.lastRequest('gemini')?.model).toBe('gemini-test');
  });

  it('streams data chunks with running usage and finishReason only on the last', async () => {
    env.fake.enqueue('gemini', { deltas: ['a', 'b', 'c'], usage: { output: 6 } });
    const res = await post('streamGenerateContent?alt=sse');
    const chunks = parseSse(await res.text()).map(
      (e) =>
        JSON.parse(e.data) as {
          candidates: Array<{ finishReason?: string }>;
          usageMetadata: { candidatesTokenCount: number };
        },
    );
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.candidates[0]?.finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(chunks.map((c) => c.usageMetadata.candidatesTokenCount)).toEqual([2, 4, 6]);
    expect(env.fake.lastRequest('gemini')?.stream).toBe(true);
  });

  it('accepts the key as ?key= too', async () => {
    const res = await fetch(`${env.fake.url}/v1beta/models/gemini-test:generateContent?key=AIza-query`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(env.fake.lastRequest('gemini')?.apiKey).toBe('AIza-query');
  });

  it('rejects a keyless call as Google does: 403 PERMISSION_DENIED', async () => {
    const res = await post('generateContent', {});
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
  });

  it('renders RESOURCE_EXHAUSTED with RetryInfo and QuotaFailure details', async () => {
    env.fake.enqueue('gemini', { status: 429, error: { retryDelay: '37s' } });
    const res = await post('generateContent');
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { status: string; details: Array<Record<string, unknown>> } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '37s',
    });
    expect(body.error.details.some((d) => d['@type'] === 'type.googleapis.com/google.rpc.QuotaFailure')).toBe(true);
  });

  it.each([
    [400, 'INVALID_ARGUMENT'],
    [404, 'NOT_FOUND'],
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
  ])('renders status %i as %s', async (status, name) => {
    env.fake.enqueue('gemini', { status });
    const res = await post('generateContent');
    expect(await res.json()).toMatchObject({ error: { code: status, status: name } });
  });

  it('sends an error object mid-stream', async () => {
    env.fake.enqueue('gemini', { deltas: ['a', 'b', 'c'], fault: { kind: 'sseError', afterDeltas: 1, status: 503 } });
    const events = parseSse(await (await post('streamGenerateContent?alt=sse')).text());
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]?.data ?? '{}')).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
  });
});
