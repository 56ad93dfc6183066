/** What a stop reason in any provider's words means, on one scale. */
type StopKind = 'stop' | 'length' | 'tool' | 'filter';

const KINDS: Record<string, StopKind> = {
  end_turn: 'stop',
  stop: 'stop',
  STOP: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  length: 'length',
  MAX_TOKENS: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool',
  tool_calls: 'tool',
  function_call: 'tool',
  content_filter: 'filter',
  refusal: 'filter',
  SAFETY: 'filter',
  RECITATION: 'filter',
  PROHIBITED_CONTENT: 'filter',
  BLOCKLIST: 'filter',
  SPII: 'filter',
};

function kindOf(stopReason: string | null, hasToolCalls: boolean): StopKind {
  if (hasToolCalls) return 'tool';
  return (stopReason !== null ? KINDS[stopReason] : undefined) ?? 'stop';
}

/** OpenAI's finish_reason for a stop reason from any provider. */
export function openaiFinishReason(
  stopReason: string | null,
  hasToolCalls: boolean,
): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  const kind = kindOf(stopReason, hasToolCalls);
  return kind === 'tool' ? 'tool_calls' : kind === 'filter' ? 'content_filter' : kind;
}

/** Anthropic's stop_reason for a stop reason from any provider. */
export function anthropicStopReason(
  stopReason: string | null,
  hasToolCalls: boolean,
): 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal' | 'stop_sequence' {
  if (stopReason === 'stop_sequence') return 'stop_sequence';
  const kind = kindOf(stopReason, hasToolCalls);
  return kind === 'tool' ? 'tool_use' : kind === 'length' ? 'max_tokens' : kind === 'filter' ? 'refusal' : 'end_turn';
}
