import type { ChatMessage, ProviderId, Usage } from '../../protocol';

/**
 * Roughly four characters per token for English text and code, the rule of thumb every provider
 * gives. It runs before each request, so it must be cheap: no tokenizer. An underestimate is
 * corrected when the real usage comes back (the difference is charged), an overestimate refunded.
 * Budgets must never undercount, so they reserve inputTokensUpperBound instead.
 */
export const CHARS_PER_TOKEN = 4;

export function estimateInputTokens(messages: readonly ChatMessage[], system: string | undefined): number {
  let chars = system?.length ?? 0;
  for (const m of messages) chars += m.content.length;
  // Each message carries a few tokens of framing (role, separators).
  return Math.ceil(chars / CHARS_PER_TOKEN) + 4 * messages.length;
}

/**
 * Tokens a chat adds around its text, per message and per request. OpenAI documents 3 per
 * message (4 with a name) and 3 to prime the reply; Anthropic and Gemini do not publish theirs,
 * and a SentencePiece tokenizer may add a word-boundary token at the start of a text. These are
 * margins above all of that.
 */
export const FRAMING_TOKENS_PER_MESSAGE = 8;
export const FRAMING_TOKENS_PER_REQUEST = 16;

/**
 * An upper bound on a request's input tokens, for budget reservations, where an underestimate
 * would let a request settle above what it reserved. Every token of a byte-level BPE tokenizer
 * (OpenAI's, Anthropic's) stands for at least one byte of the UTF-8 text, and so does every
 * token of a SentencePiece tokenizer with byte fallback, so no text has more tokens than bytes:
 * this holds for CJK (3 bytes a character), emoji sequences and text made of random bytes, which
 * the four-characters-a-token estimate undercounts up to eight times. For English it is about
 * four times the estimate (test/unit/daemon/ratelimit/tokenBound.test.ts prints the growth).
 * Not for the rate limiter's buckets, which want a close figure: see estimateInputTokens.
 */
export function inputTokensUpperBound(messages: readonly ChatMessage[], system: string | undefined): number {
  let tokens = FRAMING_TOKENS_PER_REQUEST;
  if (system !== undefined) tokens += Buffer.byteLength(system, 'utf8') + FRAMING_TOKENS_PER_MESSAGE;
  for (const m of messages) tokens += Buffer.byteLength(m.content, 'utf8') + FRAMING_TOKENS_PER_MESSAGE;
  return tokens;
}

/**
 * The tokens a finished request counts against the limits. Anthropic does not count prompt-cache
 * reads against ITPM; the others count the whole prompt.
 */
export function usedTokens(provider: ProviderId, usage: Usage): { input: number; output: number } {
  const input = provider === 'anthropic' ? usage.input_tokens - usage.cache_read_tokens : usage.input_tokens;
  return { input: Math.max(0, input), output: usage.output_tokens };
}
