import type { ChatMessage, ContentPart } from './chat';

/** A message's content as parts: plain text becomes one text part. */
export function partsOf(content: ChatMessage['content']): ContentPart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * The words of a message: its text, tool results and tool-call arguments, without images. What
 * the guards scan, the classifier reads and the token estimate counts.
 */
export function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return content.map((p) => {
    switch (p.type) {
      case 'text': return p.text;
      case 'tool_result': return p.content;
      case 'tool_use': return JSON.stringify(p.input);
      case 'image': return '';
    }
  }).filter(Boolean).join('\n');
}

/** How many images a message carries. */
export function imageCount(content: ChatMessage['content']): number {
  return typeof content === 'string' ? 0 : content.filter((p) => p.type === 'image').length;
}
