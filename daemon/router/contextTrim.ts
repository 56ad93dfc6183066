import type { ChatMessage, ChatResult } from '../../protocol';
import { estimateInputTokens } from '../ratelimit/tokenEstimate';

export interface TrimResult {
  messages: ChatMessage[];
  droppedTokens: number;
  droppedMessages: number;
}

/**
 * Keeps a conversation within `maxTokens` (estimated, system prompt excluded) by dropping the
 * earliest messages first. The last user message is never dropped, even when it alone is over
 * the budget. The kept part starts with a user message, as every provider requires.
 */
export function trimContext(messages: readonly ChatMessage[], maxTokens: number): TrimResult {
  const total = estimateInputTokens(messages, undefined);
  if (total <= maxTokens || messages.length <= 1) return { messages: [...messages], droppedTokens: 0, droppedMessages: 0 };
  let lastUser = messages.length - 1;
  while (lastUser > 0 && messages[lastUser]!.role !== 'user') lastUser--;
  let start = 0;
  let kept = total;
  while (start < lastUser && kept > maxTokens) {
    kept -= estimateInputTokens([messages[start]!], undefined);
    start++;
  }
  while (start < lastUser && messages[start]!.role !== 'user') {
    kept -= estimateInputTokens([messages[start]!], undefined);
    start++;
  }
  return { messages: messages.slice(start), droppedTokens: total - kept, droppedMessages: start };
}

/** Two trims of one request (the context window's and a fallback's), as one. */
export function addTrims(a: ChatResult['trimmed'], b: ChatResult['trimmed']): ChatResult['trimmed'] {
  if (!a || !b) return a ?? b;
  return { droppedTokens: a.droppedTokens + b.droppedTokens, droppedMessages: a.droppedMessages + b.droppedMessages };
}
