import type { ReasoningEffort } from '../../protocol';

/**
 * Reasoning effort as a thinking budget in tokens. Every provider bills thinking as output and
 * counts it against the request's output limit, so the limit sent is the answer's max_tokens
 * plus this budget: asking for effort never starves the answer itself.
 */
export const THINKING_BUDGETS: Record<ReasoningEffort, number> = { low: 1024, medium: 4096, high: 16_384 };

/** The output limit to send, and to reserve budget and rate limit for: the answer's plus the thinking budget. */
export function outputLimit(maxTokens: number, effort: ReasoningEffort | undefined): number {
  return maxTokens + (effort ? THINKING_BUDGETS[effort] : 0);
}
