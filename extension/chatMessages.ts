import type * as vscode from 'vscode';
import {
  textOf,
  type ChatMessage,
  type ContentPart,
  type ImagePart,
  type ToolChoice,
  type ToolDefinition,
} from '../protocol';

/**
 * VS Code's language model messages to Conduit's canonical request, and back. Only types come
 * from 'vscode' so that this runs (and is tested) outside the extension host: parts are told
 * apart by their shape, as VS Code's own classes are plain objects across the API boundary.
 */

/** VS Code's roles: User = 1, Assistant = 2; 1.139's System = 3 is not in every @types/vscode. */
const ROLE_ASSISTANT = 2;
const ROLE_SYSTEM = 3;
/** LanguageModelChatToolMode.Required. */
const TOOL_MODE_REQUIRED = 2;

const IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export interface CanonicalChat {
  messages: ChatMessage[];
  system?: string;
}

export interface ToolCallOut {
  callId: string;
  name: string;
  input: object;
}

type RequestMessage = Pick<vscode.LanguageModelChatRequestMessage, 'role' | 'content'>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isText(p: unknown): p is { value: string } {
  return isRecord(p) && typeof p.value === 'string' && !('callId' in p);
}

function isToolCall(p: unknown): p is { callId: string; name: string; input: unknown } {
  return isRecord(p) && typeof p.callId === 'string' && typeof p.name === 'string' && 'input' in p;
}

function isToolResult(p: unknown): p is { callId: string; content: readonly unknown[] } {
  return isRecord(p) && typeof p.callId === 'string' && Array.isArray(p.content);
}

function isData(p: unknown): p is { mimeType: string; data: Uint8Array } {
  return isRecord(p) && typeof p.mimeType === 'string' && p.data instanceof Uint8Array;
}

function decode(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

function base64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** A data part as text, when it is text; undefined for binary data and VS Code's own markers. */
function dataText(p: { mimeType: string; data: Uint8Array }): string | undefined {
  if (p.mimeType.startsWith('text/') || p.mimeType === 'application/json') return decode(p.data);
  return undefined;
}

/** A tool result's content parts as the one string the canonical request carries. */
function toolResultText(content: readonly unknown[]): string {
  return content
    .map((c) => {
      if (isText(c)) return c.value;
      if (isData(c)) return dataText(c) ?? '';
      // A prompt-tsx part holds a rendered prompt element; its JSON is the closest text it has.
      return isRecord(c) && 'value' in c ? JSON.stringify(c.value) : '';
    })
    .filter(Boolean)
    .join('\n');
}

function toParts(content: readonly unknown[]): ContentPart[] {
  const parts: ContentPart[] = [];
  for (const p of content) {
    if (isToolCall(p)) {
      parts.push({ type: 'tool_use', id: p.callId, name: p.name, input: isRecord(p.input) ? p.input : {} });
    } else if (isToolResult(p)) {
      parts.push({ type: 'tool_result', toolUseId: p.callId, content: toolResultText(p.content) });
    } else if (isText(p)) {
      if (p.value !== '') parts.push({ type: 'text', text: p.value });
    } else if (isData(p)) {
      if (IMAGE_TYPES.includes(p.mimeType)) {
        parts.push({ type: 'image', mediaType: p.mimeType as ImagePart['mediaType'], data: base64(p.data) });
      } else {
        const text = dataText(p);
        if (text) parts.push({ type: 'text', text });
      }
    }
    // Anything else (VS Code's cache-control and thinking markers, parts of later API versions)
    // has no canonical meaning and is left out rather than sent as noise.
  }
  return parts;
}

/** One message's parts as the canonical content: plain text when that is all it holds. */
function content(parts: ContentPart[]): ChatMessage['content'] {
  return parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : parts;
}

/** VS Code's messages as the canonical messages; system messages become the request's system prompt. */
export function toCanonicalChat(messages: readonly RequestMessage[]): CanonicalChat {
  const out: ChatMessage[] = [];
  const system: string[] = [];
  for (const m of messages) {
    const parts = toParts(m.content);
    if ((m.role as number) === ROLE_SYSTEM) {
      system.push(textOf(parts));
      continue;
    }
    if (parts.length === 0) continue;
    out.push({ role: (m.role as number) === ROLE_ASSISTANT ? 'assistant' : 'user', content: content(parts) });
  }
  return system.length > 0 ? { messages: out, system: system.join('\n\n') } : { messages: out };
}

/** The request's tools and tool mode as canonical definitions and choice. */
export function toCanonicalTools(options: Pick<vscode.ProvideLanguageModelChatResponseOptions, 'tools' | 'toolMode'>): {
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
} {
  if (!options.tools || options.tools.length === 0) return {};
  const tools = options.tools.map((t): ToolDefinition => ({
    name: t.name,
    ...(t.description ? { description: t.description } : {}),
    // A tool without a schema takes no arguments; providers want an object schema regardless.
    inputSchema: isRecord(t.inputSchema) ? t.inputSchema : { type: 'object', properties: {} },
  }));
  return { tools, toolChoice: (options.toolMode as number) === TOOL_MODE_REQUIRED ? 'required' : 'auto' };
}

/** The numeric model options a caller may set; anything else is ignored, never forwarded. */
export function toCanonicalOptions(modelOptions: { readonly [name: string]: unknown } | undefined): {
  max_tokens?: number;
  temperature?: number;
} {
  const out: { max_tokens?: number; temperature?: number } = {};
  const max = modelOptions?.max_tokens ?? modelOptions?.maxTokens;
  if (typeof max === 'number' && Number.isInteger(max) && max > 0) out.max_tokens = max;
  const temperature = modelOptions?.temperature;
  if (typeof temperature === 'number' && temperature >= 0) out.temperature = temperature;
  return out;
}

/** Tool calls of a result as VS Code's tool-call parts take them. */
export function toolCallsOut(
  calls: readonly { id: string; name: string; input: Record<string, unknown> }[] | undefined,
): ToolCallOut[] {
  return (calls ?? []).map((c) => ({ callId: c.id, name: c.name, input: c.input }));
}

/**
 * The daemon's budget rule (daemon/ratelimit/tokenEstimate.ts, inputTokensUpperBound) repeated
 * here, since the extension does not load the daemon's rate limiter: no tokenizer gives a token
 * for less than one byte of UTF-8, so bytes plus framing is never below the real count.
 */
export const FRAMING_TOKENS_PER_MESSAGE = 8;
export const IMAGE_TOKENS_UPPER_BOUND = 4000;

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** An upper bound on the tokens of a text or one message, for VS Code's provideTokenCount. */
export function tokenUpperBound(input: string | RequestMessage): number {
  if (typeof input === 'string') return utf8Bytes(input);
  const parts = toParts(input.content);
  const images = parts.filter((p) => p.type === 'image').length;
  return utf8Bytes(textOf(parts)) + FRAMING_TOKENS_PER_MESSAGE + IMAGE_TOKENS_UPPER_BOUND * images;
}
