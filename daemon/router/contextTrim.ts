import type { ChatMessage, ChatResult } from '../../protocol';
import { FRAMING_TOKENS_PER_REQUEST, inputTokensUpperBound } from '../ratelimit/tokenEstimate';

/** Messages' tokens by the budgets' bound (one a byte of UTF-8), so trimming never undercounts CJK text. */
function boundOf(messages: readonly ChatMessage[]): number {
  return inputTokensUpperBound(messages, undefined) - FRAMING_TOKENS_PER_REQUEST;
}

export interface TrimResult {
  messages: ChatMessage[];
  droppedTokens: number;
  droppedMessages: number;
}

/**
 * Keeps a conversation within `maxTokens` (an upper bound, system prompt excluded) by dropping the
 * earliest messages first. The last user message is never dropped, even when it alone is over
 * the budget. The kept part starts with a user message, as every provider requires.
 */
export function trimContext(messages: readonly ChatMessage[], maxTokens: number): TrimResult {
  const total = boundOf(messages);
  if (total <= maxTokens || messages.length <= 1)
    return { messages: [...messages], droppedTokens: 0, droppedMessages: 0 };
  let lastUser = messages.length - 1;
  while (lastUser > 0 && messages[lastUser]!.role !== 'user') lastUser--;
  let start = 0;
  let kept = total;
  while (start < lastUser && kept > maxTokens) {
    kept -= boundOf([messages[start]!]);
    start++;
  }
  while (start < lastUser && messages[start]!.role !== 'user') {
    kept -= boundOf([messages[start]!]);
    start++;
  }
  return { messages: messages.slice(start), droppedTokens: total - kept, droppedMessages: start };
}

/** Two trims of one request (the context window's and a fallback's), as one. */
export function addTrims(a: ChatResult['trimmed'], b: ChatResult['trimmed']): ChatResult['trimmed'] {
  if (!a || !b) return a ?? b;
  return { droppedTokens: a.droppedTokens + b.droppedTokens, droppedMessages: a.droppedMessages + b.droppedMessages };
}
