import type {
  ChatMessage,
  ProviderId,
  ReasoningEffort,
  ResponseSchema,
  ToolChoice,
  ToolDefinition,
} from '../../protocol';
import { nodeCrypto } from '../platform/nodeCrypto';

/** The parts of a request that decide its answer; everything else (feature, priority, stream) does not. */
export interface CanonicalRequest {
  provider: ProviderId;
  model: string;
  system?: string;
  messages: readonly ChatMessage[];
  /** Absent means the provider's default. */
  temperature?: number;
  /** The effective limit, after the configured default is applied. */
  maxTokens: number;
  /** An output format the answer must follow (e.g. "json"). */
  responseFormat?: string;
  tools?: readonly ToolDefinition[];
  toolChoice?: ToolChoice;
  responseSchema?: ResponseSchema;
  reasoningEffort?: ReasoningEffort;
  /** Stop sequences cut the answer short: another list is another answer. */
  stop?: readonly string[];
}

/**
 * Only what never changes an answer is normalized: line-ending style (CRLF and CR become LF),
 * spaces and tabs at the end of a line, and blank lines before and after the text. Everything
 * else is kept, because in code whitespace carries meaning: Python or YAML indented one level
 * deeper is another program, and so is a string literal with two spaces instead of one.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+$/gm, '')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}

function sha256(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex');
}

/**
 * A message's content for a key. Plain text keys exactly as it always has; an image by the hash
 * of its bytes, so two screenshots never share an answer and the key stays small.
 */
function keyContent(content: ChatMessage['content']): unknown {
  if (typeof content === 'string') return normalizeText(content);
  return content.map((p) => {
    switch (p.type) {
      case 'text':
        return ['t', normalizeText(p.text)];
      case 'image':
        return ['i', p.mediaType, sha256(p.data)];
      case 'tool_use':
        return ['u', p.id, p.name, p.input];
      case 'tool_result':
        return ['r', p.toolUseId, normalizeText(p.content), p.isError === true];
    }
  });
}

/** Tools, tool choice, schema and effort change the answer; absent, they leave older keys as they were. */
function extras(req: CanonicalRequest): unknown[] {
  // Stop sequences go in an entry of their own, so keys without them stay as they were.
  const stop = req.stop?.length ? [['stop', req.stop]] : [];
  if (!req.tools?.length && req.toolChoice === undefined && !req.responseSchema && !req.reasoningEffort) return stop;
  return [[req.tools ?? [], req.toolChoice ?? null, req.responseSchema ?? null, req.reasoningEffort ?? null], ...stop];
}

/**
 * The exact-cache key: sha256 over a JSON array in a fixed order (an object's key order could
 * vary with how a client built it). Tools join the array when requests carry them.
 */
export function exactKey(req: CanonicalRequest): string {
  return sha256(
    JSON.stringify([
      // v2: whitespace inside the text became part of the key; v1 keys folded it away.
      'v2',
      req.provider,
      req.model,
      normalizeText(req.system ?? ''),
      req.messages.map((m) => [m.role, keyContent(m.content)]),
      req.temperature ?? null,
      req.maxTokens,
      req.responseFormat ?? null,
      ...extras(req),
    ]),
  );
}

/**
 * The semantic scope: the boundaries a near match may never cross. Same provider and model, same
 * system prompt, same parameters, and the same conversation before the last message; only the
 * last message is compared by meaning.
 */
export function semanticScope(req: CanonicalRequest): string {
  return sha256(
    JSON.stringify([
      'scope-v2',
      req.provider,
      req.model,
      sha256(normalizeText(req.system ?? '')),
      req.messages.slice(0, -1).map((m) => [m.role, keyContent(m.content)]),
      req.temperature ?? null,
      req.maxTokens,
      req.responseFormat ?? null,
      ...extras(req),
    ]),
  );
}

/**
 * The text a semantic lookup compares: the last user message, or null when the request ends
 * otherwise, or when that message holds more than text (two prompts that read alike about
 * different screenshots or tool results are not the same question).
 */
export function semanticText(req: CanonicalRequest): string | null {
  const last = req.messages[req.messages.length - 1];
  if (!last || last.role !== 'user') return null;
  if (typeof last.content === 'string') return normalizeText(last.content);
  if (last.content.some((p) => p.type !== 'text')) return null;
  return normalizeText(last.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n'));
}
