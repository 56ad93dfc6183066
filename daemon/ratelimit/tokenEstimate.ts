import type { ChatMessage, ProviderId, Usage } from '../../protocol';

/**
 * Roughly four characters per token for English text and code, the rule of thumb every provider
 * gives. It runs before each request, so it must be cheap: no tokenizer. An underestimate is
 * corrected when the real usage comes back (the difference is charged), an overestimate refunded.
 */
export const CHARS_PER_TOKEN = 4;

export function estimateInputTokens(messages: readonly ChatMessage[], system: string | undefined): number {
  let chars = system?.length ?? 0;
  for (const m of messages) chars += m.content.length;
  // Each message carries a few tokens of framing (role, separators).
  return Math.ceil(chars / CHARS_PER_TOKEN) + 4 * messages.length;
}

/**
 * The tokens a finished request counts against the limits. Anthropic does not count prompt-cache
 * reads against ITPM; the others count the whole prompt.
 */
export function usedTokens(provider: ProviderId, usage: Usage): { input: number; output: number } {
  const input = provider === 'anthropic' ? usage.input_tokens - usage.cache_read_tokens : usage.input_tokens;
  return { input: Math.max(0, input), output: usage.output_tokens };
}
