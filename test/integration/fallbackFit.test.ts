import { describe, expect, it } from 'vitest';
import { ConduitError, type ChatMessage, type ChatRequest } from '../../protocol';
import { IMAGE_LIMITS } from '../../daemon/guard/imageCheck';
import { findModel } from '../../daemon/router/models';
import { pngOf } from '../fixtures/images';
import { useDaemonAndFake } from './harness';

/**
 * Fallback targets are checked before they are called: one whose context window or whose
 * provider's image limits the request exceeds is skipped, and the chain moves on. The primary
 * (openai gpt-5.4-mini: 400k tokens, 20 MB images) fails with a 503 in every case.
 */
const PRIMARY = { provider: 'openai', model: 'gpt-5.4-mini' } as const;
/** 200k tokens, 5 MB an image: too small for the requests below. */
const SMALL = { provider: 'anthropic', model: 'claude-sonnet-4-5' } as const;
/** 1M tokens, 20 MB of images. */
const LARGE = { provider: 'gemini', model: 'gemini-2.5-flash' } as const;

describe('fallback targets that cannot take the request are skipped, through the real daemon', () => {
  const env = useDaemonAndFake({
    config: {
      cache: { enabled: false },
      maxMessageBytes: 32 * 1_048_576,
      routing: { contextWindow: { overflowByFeature: { trimmed: 'trim' } } },
      resilience: {
        maxAttempts: 1,
        fallback: {
          chains: { '*': [SMALL, LARGE], solo: [SMALL], trimmed: [SMALL] },
          allowCostlier: true,
          staleCache: false,
          simplifiedResponse: false,
        },
      },
    },
  });

  // Up to 240k tokens by the byte bound the limits use: inside the primary's 272k input limit and
  // the large fallback's window, over the small one's 200k.
  const long = 'word '.repeat(48_000);
  const chat = async (request: ChatRequest) => {
    const client = await env.h.connect();
    try {
      return await client.chat(request);
    } finally {
      client.close();
    }
  };
  const modelsCalled = () => env.fake.requests.map((r) => r.provider);

  it("a request over the first fallback's context window skips it; the second fallback answers", async () => {
    expect(findModel(SMALL.provider, SMALL.model)?.contextWindow).toBeLessThan(Buffer.byteLength(long));
    env.fake.enqueue('openai', { status: 503 });
    env.fake.enqueue('gemini', { text: 'from the large window' });
    const result = await chat({ ...PRIMARY, max_tokens: 16, messages: [{ role: 'user', content: long }] });
    expect(result).toMatchObject({ provider: 'gemini', model: LARGE.model, text: 'from the large window' });
    expect(result.fallbacks).toEqual([
      `skipped ${SMALL.provider}/${SMALL.model}: context window too small`,
      `${LARGE.provider}/${LARGE.model}`,
    ]);
    expect(result.attemptLog.map((a) => [a.provider, a.error ?? 'ok'])).toEqual([
      ['openai', 'server_error'],
      ['gemini', 'ok'],
    ]);
    // Never sent to the model that could not hold it.
    expect(modelsCalled()).toEqual(['openai', 'gemini']);
  });

  it("an image over the first fallback's provider limit skips it; the second fallback answers", async () => {
    const image = pngOf(IMAGE_LIMITS.anthropic.perImageBytes + 100_000);
    expect(IMAGE_LIMITS.gemini.perImageBytes).toBeGreaterThan(IMAGE_LIMITS.anthropic.perImageBytes + 100_000);
    env.fake.enqueue('openai', { status: 503 });
    env.fake.enqueue('gemini', { text: 'a big picture' });
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', mediaType: 'image/png', data: image },
        ],
      },
    ];
    const result = await chat({ ...PRIMARY, max_tokens: 16, messages });
    expect(result).toMatchObject({ provider: 'gemini', text: 'a big picture' });
    expect(result.fallbacks).toEqual([
      `skipped ${SMALL.provider}/${SMALL.model}: images over anthropic's limits`,
      `${LARGE.provider}/${LARGE.model}`,
    ]);
    expect(modelsCalled()).toEqual(['openai', 'gemini']);
    const sent = JSON.stringify(env.fake.requests[1]?.body);
    expect(sent).toContain(image.slice(0, 200));
  });

  it("when no fallback fits, the error is the limit that ruled it out, with the primary's failure in the log", async () => {
    env.fake.enqueue('openai', { status: 503 });
    const err = await chat({
      ...PRIMARY,
      feature: 'solo',
      max_tokens: 16,
      messages: [{ role: 'user', content: long }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConduitError);
    const data = (err as ConduitError).data;
    expect(data).toMatchObject({ code: 'too_large', provider: SMALL.provider, model: SMALL.model });
    expect(data.message).toContain("claude-sonnet-4-5's context window of 200,000");
    expect(data.fallbacks).toEqual([`skipped ${SMALL.provider}/${SMALL.model}: context window too small`]);
    expect(data.attemptLog?.map((a) => [a.provider, a.error])).toEqual([['openai', 'server_error']]);
    expect(modelsCalled()).toEqual(['openai']);
  });

  it('a feature whose rule is "trim" has its earliest messages dropped to fit the fallback, which answers', async () => {
    env.fake.enqueue('openai', { status: 503 });
    env.fake.enqueue('anthropic', { text: 'answered the last question' });
    const messages: ChatMessage[] = [
      { role: 'user', content: long },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'And the short question?' },
    ];
    const result = await chat({ ...PRIMARY, feature: 'trimmed', max_tokens: 16, messages });
    expect(result).toMatchObject({ provider: 'anthropic', model: SMALL.model, text: 'answered the last question' });
    expect(result.fallbacks).toEqual([`${SMALL.provider}/${SMALL.model}`]);
    expect(result.trimmed?.droppedMessages).toBeGreaterThanOrEqual(1);
    const sent = env.fake.requests[1]?.body as { messages: { content: unknown }[] };
    expect(JSON.stringify(sent.messages)).not.toContain('word word');
    expect(JSON.stringify(sent.messages.at(-1))).toContain('And the short question?');
    // The primary got the whole conversation: the trim is the fallback's alone.
    expect(JSON.stringify(env.fake.requests[0]?.body)).toContain('word word');
  });
});
