import type { ReasoningEffort } from '../../protocol';

/**
 * Reasoning effort as a thinking budget in tokens. Every provider bills thinking as output and
 * counts it against the request's output limit, so the limit sent is the answer's max_tokens
 * plus this budget: asking for effort never starves the answer itself.
 */
export const THINKING_BUDGETS: Record<ReasoningEffort, number> = { low: 1024, medium: 4096, high: 16_384 };

/**
 * The output limit to send, and to reserve budget and rate limit for: the answer's plus the
 * thinking budget, never above the model's most output (`cap`), which the API would refuse.
 * Adaptive thinking (Anthropic) and effort levels (OpenAI, Gemini 3) take no budget, but their
 * thinking still counts against this limit, so the same room is left for it.
 */
export function outputLimit(maxTokens: number, effort: ReasoningEffort | undefined, cap?: number | null): number {
  const limit = maxTokens + (effort ? THINKING_BUDGETS[effort] : 0);
  return cap ? Math.min(limit, cap) : limit;
}
