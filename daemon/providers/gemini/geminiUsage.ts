import type { GenerateContentResponseUsageMetadata } from '@google/genai';
import type { Usage } from '../../../protocol';

/**
 * Gemini's candidatesTokenCount leaves out the thinking tokens, which are billed as output too,
 * so output_tokens is candidates + thoughts (and reasoning_tokens the thoughts alone, already
 * inside output_tokens as the protocol defines). promptTokenCount already includes the cached
 * part.
 */
export function fromGeminiUsage(u: GenerateContentResponseUsageMetadata | undefined): Usage {
  const thoughts = u?.thoughtsTokenCount ?? 0;
  return {
    input_tokens: u?.promptTokenCount ?? 0,
    output_tokens: (u?.candidatesTokenCount ?? 0) + thoughts,
    cache_read_tokens: u?.cachedContentTokenCount ?? 0,
    // Gemini's explicit caches are created by a separate call, never as a side effect of this one.
    cache_write_tokens: 0,
    reasoning_tokens: thoughts,
  };
}
