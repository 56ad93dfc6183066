import { imageCount, textOf, type ChatMessage, type ProviderId, type Usage } from '../../protocol';

/**
 * Roughly four characters per token for English text and code, the rule of thumb every provider
 * gives. It runs before each request, so it must be cheap: no tokenizer. An underestimate is
 * corrected when the real usage comes back (the difference is charged), an overestimate refunded.
 * Budgets must never undercount, so they reserve inputTokensUpperBound instead.
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
export function inputTokensUpperBound(
  messages: readonly ChatMessage[],
  system: string | undefined,
  definitions?: { tools?: unknown; responseSchema?: unknown },
): number {
  let tokens = FRAMING_TOKENS_PER_REQUEST;
  if (system !== undefined) tokens += Buffer.byteLength(system, 'utf8') + FRAMING_TOKENS_PER_MESSAGE;
  for (const m of messages) {
    // textOf covers text, tool results and tool-call arguments (as JSON); images are counted apart.
    tokens +=
      Buffer.byteLength(textOf(m.content), 'utf8') +
      FRAMING_TOKENS_PER_MESSAGE +
      IMAGE_TOKENS_UPPER_BOUND * imageCount(m.content);
  }
  // Tool definitions and a response schema reach the model as text too, at most one token a byte.
  if (definitions?.tools !== undefined) tokens += Buffer.byteLength(JSON.stringify(definitions.tools), 'utf8');
  if (definitions?.responseSchema !== undefined)
    tokens += Buffer.byteLength(JSON.stringify(definitions.responseSchema), 'utf8');
  return tokens;
}

/**
 * The most one image may count, for the bound. An image's tokens come from its pixels, which the
 * guard does not decode, so this is the documented ceilings with a margin: Anthropic scales an
 * image to about 1,600 tokens at most, OpenAI's high-detail tiling tops out near 2,500 for its
 * patch-based models, Gemini's high media resolution is 1,120.
 */
export const IMAGE_TOKENS_UPPER_BOUND = 4000;

/**
 * The tokens a finished request counts against the limits. Anthropic does not count prompt-cache
 * reads against ITPM; the others count the whole prompt.
 */
export function usedTokens(provider: ProviderId, usage: Usage): { input: number; output: number } {
  const input = provider === 'anthropic' ? usage.input_tokens - usage.cache_read_tokens : usage.input_tokens;
  return { input: Math.max(0, input), output: usage.output_tokens };
}
