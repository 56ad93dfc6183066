import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../protocol';
import { fitFallback } from '../../../../daemon/gateway/fallbackFit';
import { IMAGE_LIMITS } from '../../../../daemon/guard/imageCheck';
import { routingSchema } from '../../../../daemon/router/routingSettings';
import { pngOf } from '../../../fixtures/images';

const settings = (over: Record<string, unknown> = {}) => routingSchema.parse({ contextWindow: over }).contextWindow;
/** claude-sonnet-4-5 holds 200k tokens in the catalogue; gemini-2.5-flash about a million. */
const SMALL = { provider: 'anthropic', model: 'claude-sonnet-4-5' } as const;
const LARGE = { provider: 'gemini', model: 'gemini-2.5-flash' } as const;
const long = 'word '.repeat(180_000);

describe('fitFallback', () => {
  it('a request that fits goes to the target unchanged', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: long }];
    const fit = fitFallback({ messages, max_tokens: 16 }, LARGE, 1024, settings());
    expect(fit.ok && fit.request.messages).toBe(messages);
    expect(fit.ok && fit.trimmed).toBeFalsy();
  });

  it("a request over the target's window is refused with the window in the message", () => {
    const fit = fitFallback({ messages: [{ role: 'user', content: long }], max_tokens: 16 }, SMALL, 1024, settings());
    expect(fit.ok).toBe(false);
    if (fit.ok) return;
    expect(fit.reason).toBe('context window too small');
    expect(fit.error.data).toMatchObject({ code: 'too_large', provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(fit.error.message).toContain('200,000');
  });

  it('does not switch to routing.contextWindow.fallback: the chain named this model', () => {
    const fit = fitFallback(
      { messages: [{ role: 'user', content: long }], max_tokens: 16 },
      SMALL,
      1024,
      settings({ fallback: LARGE }),
    );
    expect(fit.ok).toBe(false);
  });

  it('the feature\'s "trim" rule drops the earliest messages to fit', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: long },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'short?' },
    ];
    const fit = fitFallback(
      { messages, feature: 'chat', max_tokens: 16 },
      SMALL,
      1024,
      settings({ overflowByFeature: { chat: 'trim' } }),
    );
    expect(fit.ok).toBe(true);
    if (!fit.ok) return;
    expect(fit.trimmed?.droppedMessages).toBeGreaterThanOrEqual(1);
    expect(fit.request.messages.at(-1)?.content).toBe('short?');
    expect(JSON.stringify(fit.request.messages)).not.toContain(long.slice(0, 100));
  });

  it("an image over the target provider's limit is refused; the same image fits a provider that takes it", () => {
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [{ type: 'image', mediaType: 'image/png', data: pngOf(IMAGE_LIMITS.anthropic.perImageBytes + 1024) }],
      },
    ];
    const refused = fitFallback({ messages }, SMALL, 1024, settings());
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.reason).toBe("images over anthropic's limits");
      expect(refused.error.data.code).toBe('too_large');
    }
    expect(fitFallback({ messages }, LARGE, 1024, settings()).ok).toBe(true);
  });
});
