import type { Usage } from '../../../protocol';

/** The usage fields Anthropic sends, in message_start, message_delta and whole messages alike. */
export interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** The cache writes by lifetime; their sum is cache_creation_input_tokens. */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
}

/**
 * Anthropic's input_tokens counts only the uncached part of the prompt; cache reads and writes
 * are reported beside it. The canonical input_tokens is the whole prompt, as OpenAI and Gemini
 * count it, so the three add up the same way and pricing can subtract the cached parts.
 */
export function fromAnthropicUsage(u: AnthropicUsageFields): Usage {
  const read = u.cache_read_input_tokens ?? 0;
  const write = u.cache_creation_input_tokens ?? 0;
  // 1-hour writes cost 2× input, 5-minute ones 1.25×: priced apart (see pricing.ts).
  const write1h = Math.min(write, u.cache_creation?.ephemeral_1h_input_tokens ?? 0);
  return {
    input_tokens: (u.input_tokens ?? 0) + read + write,
    output_tokens: u.output_tokens ?? 0,
    cache_read_tokens: read,
    cache_write_tokens: write,
    reasoning_tokens: u.output_tokens_details?.thinking_tokens ?? 0,
    ...(write1h > 0 ? { cache_write_1h_tokens: write1h } : {}),
  };
}

/**
 * Anthropic bills thinking inside output_tokens and reports no separate count (and with
 * summarized thinking the thinking text is shorter than what was billed). When the answer had
 * thinking and no count came, the thinking is estimated as the output less the visible answer
 * (text and tool-call JSON, at the usual four characters a token). Cost is exact either way:
 * output_tokens is what is priced.
 */
export function withThinkingEstimate(usage: Usage, sawThinking: boolean, visibleChars: number): Usage {
  if (!sawThinking || usage.reasoning_tokens > 0) return usage;
  return { ...usage, reasoning_tokens: Math.max(0, usage.output_tokens - Math.ceil(visibleChars / 4)) };
}

/**
 * message_delta carries cumulative counts; a field it leaves null keeps the value from
 * message_start.
 */
export function mergeAnthropicUsage(base: AnthropicUsageFields, update: AnthropicUsageFields): AnthropicUsageFields {
  const merged: AnthropicUsageFields = { ...base };
  for (const key of [
    'input_tokens',
    'output_tokens',
    'cache_read_input_tokens',
    'cache_creation_input_tokens',
  ] as const) {
    const value = update[key];
    if (value !== null && value !== undefined) merged[key] = value;
  }
  if (update.output_tokens_details) merged.output_tokens_details = update.output_tokens_details;
  if (update.cache_creation) merged.cache_creation = update.cache_creation;
  return merged;
}
