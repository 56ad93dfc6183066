import type { ChatMessage } from './chat';

/** An image in a user message: base64 bytes of a PNG, JPEG, GIF or WebP, checked before sending. */
export interface ImagePart {
  type: 'image';
  mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  /** Base64, without a `data:` prefix. */
  data: string;
}

/** A call the model made to one of the request's tools (in an assistant message). */
export interface ToolUsePart {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** The provider's opaque signature of the call (Gemini's thoughtSignature): send it back as it came. */
  signature?: string;
}

/** The client's answer to a tool call (in a user message). */
export interface ToolResultPart {
  type: 'tool_result';
  toolUseId: string;
  content: string;
  isError?: boolean;
}

export type ContentPart = { type: 'text'; text: string } | ImagePart | ToolUsePart | ToolResultPart;

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
  return content
    .map((p) => {
      switch (p.type) {
        case 'text':
          return p.text;
        case 'tool_result':
          return p.content;
        case 'tool_use':
          return JSON.stringify(p.input);
        case 'image':
          return '';
      }
    })
    .filter(Boolean)
    .join('\n');
}

/** How many images a message carries. */
export function imageCount(content: ChatMessage['content']): number {
  return typeof content === 'string' ? 0 : content.filter((p) => p.type === 'image').length;
}
