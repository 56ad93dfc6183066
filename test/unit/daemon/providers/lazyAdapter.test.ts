import { describe, expect, it } from 'vitest';
import { lazyAdapter } from '../../../../daemon/providers/lazyAdapter';
import type {
  ProviderAdapter,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
} from '../../../../daemon/providers/types';

const req: ProviderRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8 };
const signal = new AbortController().signal;
const usage = { input_tokens: 1, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };
const answer: ProviderResponse = { text: 'ok', model: 'm', usage, stopReason: 'stop', headers: {} };

function realAdapter(): ProviderAdapter {
  return {
    id: 'openai',
    chat: () => Promise.resolve(answer),
    async *stream(): AsyncGenerator<ProviderStreamEvent> {
      yield { type: 'text', text: 'a' };
      yield { type: 'text', text: 'b' };
      yield { type: 'done', model: 'm', usage, stopReason: 'stop', headers: {} };
    },
  };
}

async function collect(events: AsyncIterable<ProviderStreamEvent>): Promise<ProviderStreamEvent[]> {
  const out: ProviderStreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

describe('lazyAdapter', () => {
  it('loads nothing until the first request, then loads once for every later one', async () => {
    let loads = 0;
    const adapter = lazyAdapter('openai', () => {
      loads++;
      return Promise.resolve(realAdapter());
    });
    expect(adapter.id).toBe('openai');
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([adapter.chat(req, signal), adapter.chat(req, signal)]);
    expect([a.text, b.text]).toEqual(['ok', 'ok']);
    expect(await collect(adapter.stream(req, signal))).toHaveLength(3);
    expect(loads).toBe(1);
  });

  it('streams every event in order when the first request is a stream', async () => {
    const adapter = lazyAdapter('openai', () => Promise.resolve(realAdapter()));
    const events = await collect(adapter.stream(req, signal));
    expect(events.map((e) => e.type)).toEqual(['text', 'text', 'done']);
    expect(events.slice(0, 2)).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('gives a failed load to the request that asked, and tries again on the next', async () => {
    let loads = 0;
    const adapter = lazyAdapter('openai', () => {
      loads++;
      return loads === 1 ? Promise.reject(new Error('module missing')) : Promise.resolve(realAdapter());
    });
    await expect(adapter.chat(req, signal)).rejects.toThrow('module missing');
    await expect(collect(adapter.stream(req, signal))).resolves.toHaveLength(3);
    expect(loads).toBe(2);
  });
});
