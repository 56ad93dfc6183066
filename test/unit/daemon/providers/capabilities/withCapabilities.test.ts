import { describe, expect, it } from 'vitest';
import { withCapabilities } from '../../../../../daemon/providers/capabilities/withCapabilities';
import type { ProviderAdapter, ProviderRequest, ProviderStreamEvent } from '../../../../../daemon/providers/types';

const done: ProviderStreamEvent = {
  type: 'done',
  model: 'gpt-5',
  usage: { input_tokens: 1, output_tokens: 3, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
  stopReason: 'stop',
  headers: {},
};

/** An adapter that streams the given events and remembers the request it was sent. */
function streaming(events: ProviderStreamEvent[]) {
  const sent: ProviderRequest[] = [];
  let stream: AsyncIterable<ProviderStreamEvent> | undefined;
  const adapter: ProviderAdapter = {
    id: 'openai',
    chat: () => Promise.reject(new Error('not used')),
    stream(req) {
      sent.push(req);
      stream = (async function* () {
        yield* events;
      })();
      return stream;
    },
  };
  return { adapter, sent, own: () => stream };
}

const req = (over: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'gpt-5',
  messages: [{ role: 'user', content: 'q' }],
  maxTokens: 100,
  ...over,
});

async function collect(events: AsyncIterable<ProviderStreamEvent>): Promise<ProviderStreamEvent[]> {
  const out: ProviderStreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

describe('withCapabilities, streaming', () => {
  it("hands on the adapter's own stream when nothing was fitted: no generator between the first chunk and the client", async () => {
    const inner = streaming([{ type: 'text', text: 'a ' }, { type: 'text', text: 'b' }, done]);
    const events = withCapabilities(inner.adapter).stream(req(), new AbortController().signal);
    expect(events).toBe(inner.own());
    expect(await collect(events)).toEqual([{ type: 'text', text: 'a ' }, { type: 'text', text: 'b' }, done]);
  });

  it('sends the fitted request and reports what was fitted on `done`, the text in order and unmerged', async () => {
    const inner = streaming([{ type: 'text', text: 'a ' }, { type: 'text', text: 'b' }, done]);
    const events = withCapabilities(inner.adapter).stream(req({ temperature: 0.5 }), new AbortController().signal);
    const out = await collect(events);
    expect(inner.sent[0]?.temperature).toBeUndefined();
    expect(out.slice(0, 2)).toEqual([
      { type: 'text', text: 'a ' },
      { type: 'text', text: 'b' },
    ]);
    expect(out[2]).toEqual({
      ...done,
      adjusted: ['temperature 0.5 dropped: gpt-5 takes only the default temperature'],
    });
  });
});
