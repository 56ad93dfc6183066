import { describe, expect, it } from 'vitest';
import { ConduitError, type ChatRequest, type ProviderId } from '../../../../protocol';
import { contextLimitsOf, contextWindowOf, fitContextWindow } from '../../../../daemon/router/contextWindow';
import { routingSchema } from '../../../../daemon/router/routingSettings';

const windows: Record<string, number> = { 'openai/small': 1_000, 'openai/big': 100_000 };
const windowOf = (p: ProviderId, m: string) => windows[`${p}/${m}`] ?? null;
const settings = (over: Record<string, unknown> = {}) => routingSchema.parse({ contextWindow: over }).contextWindow;
// The bound counts a token per byte: this many bytes of English is at most this many tokens.
const words = (tokens: number) => 'word '.repeat(Math.round(tokens / 5));

function routed(
  messages: ChatRequest['messages'],
  over: Partial<ChatRequest> = {},
): ChatRequest & { provider: ProviderId; model: string } {
  return { messages, provider: 'openai', model: 'small', max_tokens: 200, ...over };
}

function refusal(f: () => unknown): ConduitError {
  try {
    f();
  } catch (err) {
    if (err instanceof ConduitError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('context window', () => {
  it("the catalogue knows each model's window", () => {
    expect(contextWindowOf('anthropic', 'claude-sonnet-4-5')).toBeGreaterThanOrEqual(200_000);
    expect(contextWindowOf('openaiCompatible', 'llama3')).toBeNull();
  });

  it("a model the catalogue lacks has its family's documented limits; one of no known family has none", () => {
    expect(contextLimitsOf('openai', 'o4-mini')).toEqual({ window: 200_000, maxInput: 200_000 });
    expect(contextLimitsOf('anthropic', 'claude-opus-4-1')).toEqual({ window: 200_000, maxInput: 200_000 });
    expect(contextLimitsOf('openai', 'gpt-4.1-mini')).toEqual({ window: 1_047_576, maxInput: 1_047_576 });
    expect(contextLimitsOf('openai', 'ft:custom-model')).toBeNull();
    expect(contextLimitsOf('openaiCompatible', 'llama3')).toBeNull();
  });

  it('lets a request that fits go as it is, and one for an unknown model too', () => {
    const r = routed([{ role: 'user', content: 'hi' }]);
    expect(fitContextWindow(r, 1024, settings(), windowOf)).toEqual({ request: r });
    const unknown = routed([{ role: 'user', content: words(5000) }], { model: 'mystery' });
    expect(fitContextWindow(unknown, 1024, settings(), windowOf).request).toBe(unknown);
  });

  it('refuses by default, naming the model, its window, the size and what to change', () => {
    const err = refusal(() =>
      fitContextWindow(routed([{ role: 'user', content: words(1500) }]), 1024, settings(), windowOf),
    );
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/up to 1,\d{3} tokens/);
    expect(err.message).toContain("small's context window of 1,000");
    expect(err.message).toContain('routing.contextWindow.fallback');
  });

  it('counts max_tokens, tools and images in what the window must hold', () => {
    expect(() =>
      fitContextWindow(routed([{ role: 'user', content: 'hi' }], { max_tokens: 999 }), 1024, settings(), windowOf),
    ).toThrow(ConduitError);
    // 200 for the answer fits; the thinking budget of 'low' (1,024) on top does not.
    expect(() =>
      fitContextWindow(
        routed([{ role: 'user', content: 'hi' }], { reasoningEffort: 'low' }),
        1024,
        settings(),
        windowOf,
      ),
    ).toThrow(/thinking budget/);
    const tools = [{ name: 't', inputSchema: { description: words(900) } }];
    expect(() =>
      fitContextWindow(routed([{ role: 'user', content: 'hi' }], { tools }), 1024, settings(), windowOf),
    ).toThrow(ConduitError);
  });

  it('moves to the configured larger-context model when the request fits there', () => {
    const fit = fitContextWindow(
      routed([{ role: 'user', content: words(1500) }]),
      1024,
      settings({ fallback: { provider: 'openai', model: 'big' } }),
      windowOf,
    );
    expect(fit.request.model).toBe('big');
    expect(fit.switched).toEqual({ from: 'openai/small', to: 'openai/big' });
  });

  it("trims the earliest messages when the feature's rule says so, keeping the last user message", () => {
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: words(400) },
      { role: 'assistant', content: words(400) },
      { role: 'user', content: words(100) },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'last question' },
    ];
    const fit = fitContextWindow(
      routed(messages, { feature: 'chat' }),
      1024,
      settings({ overflowByFeature: { chat: 'trim' } }),
      windowOf,
    );
    expect(fit.trimmed?.droppedMessages).toBe(2);
    expect(fit.request.messages.at(-1)?.content).toBe('last question');
    expect(fit.request.messages[0]?.role).toBe('user');
    // Another feature keeps the default rule, and is refused.
    expect(() =>
      fitContextWindow(
        routed(messages, { feature: 'ask' }),
        1024,
        settings({ overflowByFeature: { chat: 'trim' } }),
        windowOf,
      ),
    ).toThrow(ConduitError);
  });

  it('counts CJK text by its bytes: 460k Japanese characters are over a 200k window, and trimmed to fit', () => {
    const japanese = 'あ'.repeat(460_000);
    // Four characters a token would call this 115k tokens and send it; it is up to 1.38M.
    const err = refusal(() =>
      fitContextWindow(
        { ...routed([{ role: 'user', content: japanese }]), provider: 'anthropic', model: 'claude-sonnet-4-5' },
        1024,
        settings(),
      ),
    );
    expect(err.message).toContain("claude-sonnet-4-5's context window of 200,000");
    expect(err.message).toMatch(/prompt of up to 1,380,\d{3}/);
    const history: ChatRequest['messages'] = [
      { role: 'user', content: 'あ'.repeat(100_000) },
      { role: 'assistant', content: 'はい' },
      { role: 'user', content: '要約して' },
    ];
    const fit = fitContextWindow(
      { ...routed(history), provider: 'anthropic', model: 'claude-sonnet-4-5' },
      1024,
      settings({ onOverflow: 'trim' }),
    );
    expect(fit.trimmed?.droppedMessages).toBe(2);
    expect(fit.request.messages).toEqual([{ role: 'user', content: '要約して' }]);
  });

  it('checks the input limit apart from the window: gpt-5 takes 272k of prompt in its 400k window', () => {
    const prompt = words(300_000);
    const err = refusal(() =>
      fitContextWindow({ ...routed([{ role: 'user', content: prompt }]), model: 'gpt-5' }, 1024, settings()),
    );
    expect(err.message).toContain("gpt-5's input limit of 272,000 (its context window of 400,000");
    // 250k of prompt and 100k of answer fit both limits.
    const ok = routed([{ role: 'user', content: words(250_000) }], { model: 'gpt-5', max_tokens: 100_000 });
    expect(fitContextWindow(ok, 1024, settings()).request).toBe(ok);
    // Gemini counts output apart: a 900k prompt with 60k of answer fits its 1,048,576 input limit.
    const gemini = {
      ...routed([{ role: 'user', content: words(900_000) }], { max_tokens: 60_000 }),
      provider: 'gemini' as const,
      model: 'gemini-2.5-flash',
    };
    expect(fitContextWindow(gemini, 1024, settings()).request).toBe(gemini);
  });

  it('still refuses when the last message alone is over the window, and says trimming was tried', () => {
    const err = refusal(() =>
      fitContextWindow(
        routed([
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: words(1500) },
        ]),
        1024,
        settings({ onOverflow: 'trim' }),
        windowOf,
      ),
    );
    expect(err.message).toContain('trimming was tried');
  });
});
