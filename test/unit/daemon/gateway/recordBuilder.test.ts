import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../../protocol';
import { buildRecord } from '../../../../daemon/gateway/recordBuilder';
import { CHARS_PER_TOKEN, estimateInputTokens } from '../../../../daemon/ratelimit/tokenEstimate';

const request: ChatRequest = {
  provider: 'openai',
  model: 'gpt-5.4-mini',
  messages: [{ role: 'user', content: 'Summarise the design document in three bullet points.' }],
};
const partialText = 'x'.repeat(400);

function brokenStream(prices?: Record<string, { input?: number; output?: number }>) {
  return buildRecord({
    ctx: { requestId: 'r1', client: 'cli', signal: new AbortController().signal },
    request,
    startedAt: 0,
    latencyMs: 10,
    result: undefined,
    error: { code: 'stream_interrupted', message: 'cut', provider: 'openai', model: 'gpt-5.4-mini', partialText },
    attempts: [],
    fallbacks: [],
    ...(prices ? { prices } : {}),
  });
}

describe("buildRecord: a broken stream's estimated cost", () => {
  const input = estimateInputTokens(request.messages, undefined);
  const output = Math.ceil(partialText.length / CHARS_PER_TOKEN);

  it('is billed at the catalogue price without overrides ($0.75 / $4.50)', () => {
    const r = brokenStream();
    expect(r.costEstimated).toBe(true);
    expect(r.costUsd).toBeCloseTo((input * 0.75 + output * 4.5) / 1e6, 12);
  });

  it('applies the `prices` overrides, as every other cost does', () => {
    const r = brokenStream({ 'gpt-5.4-mini': { input: 2, output: 10 } });
    expect(r.costUsd).toBeCloseTo((input * 2 + output * 10) / 1e6, 12);
  });
});
