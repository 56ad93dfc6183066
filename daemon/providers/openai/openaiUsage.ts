import type { CompletionUsage } from 'openai/resources/completions';
import type { Usage } from '../../../protocol';

/**
 * prompt_tokens already includes the cached part, and completion_tokens the reasoning part; the
 * details say how much of each.
 */
export function fromOpenAIUsage(u: CompletionUsage | null | undefined): Usage {
  return {
    input_tokens: u?.prompt_tokens ?? 0,
    output_tokens: u?.completion_tokens ?? 0,
    cache_read_tokens: u?.prompt_tokens_details?.cached_tokens ?? 0,
    // OpenAI caches automatically and bills nothing extra for the write.
    cache_write_tokens: 0,
    reasoning_tokens: u?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
