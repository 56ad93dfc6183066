import { describe, expect, it } from 'vitest';
import { createAdapter } from '../../../../../daemon/providers/createAdapter';
import type { ProviderAdapter } from '../../../../../daemon/providers/types';
import { drain, drainToError, request, upstreamError, signal, useAdapter } from '../adapterHarness';

// A local server with no key, mounted under a prefix the way Ollama-style servers are.
const env = useAdapter<ProviderAdapter>((fake) =>
  createAdapter('openaiCompatible', { apiKey: '', baseURL: fake.baseURL('openai', '/compat') }),
);

describe('OpenAI-compatible adapter', () => {
  it('talks to its own base URL, with max_tokens and a placeholder key', async () => {
    env.fake.enqueue('openai', { text: 'local answer', usage: { input: 5, output: 2 } });
    const res = await env.adapter.chat(request({ system: 'sys', maxTokens: 50 }), signal());
    expect(env.adapter.id).toBe('openaiCompatible');
    expect(res).toMatchObject({ text: 'local answer', usage: { input_tokens: 5, output_tokens: 2 } });
    const rec = env.fake.lastRequest('openai');
    expect(rec?.prefix).toBe('/compat');
    expect(rec?.apiKey).toBe('not-needed');
    expect(rec?.body).toMatchObject({
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'Say hello' },
      ],
    });
    expect(rec?.body).not.toHaveProperty('max_completion_tokens');
  });

  it('passes a real key when one is configured', async () => {
    const keyed = createAdapter('openaiCompatible', {
      apiKey: 'vllm-key',
      baseURL: env.fake.baseURL('openai', '/compat'),
    });
    await keyed.chat(request(), signal());
    expect(env.fake.lastRequest()?.apiKey).toBe('vllm-key');
  });

  it('accepts a stream that ends with finish_reason and no usage chunk', async () => {
    const chunk = (choices: unknown[]): unknown => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'llama3',
      choices,
    });
    env.fake.enqueue('openai', {
      rawChunks: [
        chunk([{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }]),
        chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }]),
        '[DONE]',
      ],
    });
    const { texts, done } = await drain(env.adapter.stream(request(), signal()));
    expect(texts).toEqual(['Hel', 'lo']);
    expect(done).toMatchObject({ model: 'llama3', stopReason: 'stop', usage: { input_tokens: 0, output_tokens: 0 } });
  });

  it('still reports a stream without finish_reason as truncated', async () => {
    env.fake.enqueue('openai', { deltas: ['a', 'b'], fault: { kind: 'truncate', afterDeltas: 2 } });
    const { error } = await drainToError(env.adapter.stream(request(), signal()));
    expect(error).toMatchObject({ provider: 'openaiCompatible', kind: 'truncated', partialText: 'ab' });
  });

  it('reports errors under its own provider id', async () => {
    env.fake.enqueue('openai', { status: 404, error: { message: 'model "llama9" not found, try pulling it first' } });
    const err = await upstreamError(env.adapter.chat(request(), signal()));
    expect(err).toMatchObject({
      provider: 'openaiCompatible',
      status: 404,
      message: 'model "llama9" not found, try pulling it first',
    });
  });
});
