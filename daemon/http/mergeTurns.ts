import { partsOf, type ChatMessage } from '../../protocol';

/**
 * Adjacent messages of one role become one: OpenAI sends each tool result as its own message,
 * and Anthropic (and so the canonical request) wants the results of one turn together.
 */
export function mergeTurns(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const last = out[out.length - 1];
    if (last && last.role === m.role) {
      last.content = [...partsOf(last.content), ...partsOf(m.content)].filter(
        (p) => p.type !== 'text' || p.text !== '',
      );
      if (last.content.length === 0) last.content = '';
    } else {
      out.push({ role: m.role, content: m.content });
    }
  }
  return out;
}
