import { imageCount, textOf, type ChatMessage, type ProviderId, type Usage } from '../../protocol';

/**
 * Roughly four characters per token for English text and code, the rule of thumb every provider
 * gives. It runs before each request, so it must be cheap: no tokenizer. An underestimate is
 * corrected when the real usage comes back (the difference is charged), an overestimate refunded.
 */
export const CHARS_PER_TOKEN = 4;

/**
 * What one image costs, without decoding it: about the most Anthropic charges for an image it
 * has scaled down (~1,600), more than OpenAI's high-detail tile count for most screenshots.
 */
export const IMAGE_TOKENS = 1600;

export function estimateInputTokens(messages: readonly ChatMessage[], system: string | undefined): number {
  let chars = system?.length ?? 0;
  let images = 0;
  for (const m of messages) {
    chars += typeof m.content === 'string' ? m.content.length : textOf(m.content).length;
    images += imageCount(m.content);
  }
  // Each message carries a few tokens of framing (role, separators).
  return Math.ceil(chars / CHARS_PER_TOKEN) + 4 * messages.length + IMAGE_TOKENS * images;
}

/**
 * The tokens a finished request counts against the limits. Anthropic does not count prompt-cache
 * reads against ITPM; the others count the whole prompt.
 */
export function usedTokens(provider: ProviderId, usage: Usage): { input: number; output: number } {
  const input = provider === 'anthropic' ? usage.input_tokens - usage.cache_read_tokens : usage.input_tokens;
  return { input: Math.max(0, input), output: usage.output_tokens };
}
