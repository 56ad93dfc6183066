import { emptyUsage, type ChatResult } from '../../../protocol';

/** A plain answered chat from OpenAI, no cache, no fallback; tests override what they look at. */
export function chatResult(text: string, extra: Partial<ChatResult> = {}): ChatResult {
  return {
    requestId: 'r',
    text,
    provider: 'openai',
    model: 'm',
    usage: { ...emptyUsage(), input_tokens: 10, output_tokens: 5 },
    stopReason: 'stop',
    latencyMs: 1,
    ttftMs: null,
    attempts: 1,
    attemptLog: [],
    cache: 'none',
    fallbacks: [],
    costUsd: 0.001,
    ...extra,
  };
}
