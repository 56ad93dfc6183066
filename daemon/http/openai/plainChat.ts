import type { ChatCompletionBody } from './chatRequest';

const PLAIN_ROLES = new Set(['system', 'developer', 'user', 'assistant']);
/** The fields a plain body may carry with a value; anything else that is set goes through the schema. */
const OPTIONAL_NUMBERS = ['temperature'] as const;
const SCHEMA_ONLY = ['tools', 'tool_choice', 'response_format', 'reasoning_effort', 'n'] as const;

/**
 * The common request (text messages, no tools, no response format) checked by hand: what zod's
 * chatCompletionSchema would accept for it, and nothing more, so the schema, with its error
 * messages, still decides every other request. The schema builds a new object per request; this
 * reads the body in place (the mapping reads only the schema's fields, so the extra ones it keeps
 * are ignored as the schema would strip them).
 */
export function plainChat(body: unknown): ChatCompletionBody | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model.length === 0) return undefined;
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  for (const m of messages as unknown[]) {
    if (typeof m !== 'object' || m === null) return undefined;
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !PLAIN_ROLES.has(role) || typeof content !== 'string') return undefined;
    if ((m as { tool_calls?: unknown }).tool_calls !== undefined) return undefined;
  }
  for (const k of SCHEMA_ONLY) if (b[k] !== undefined && b[k] !== null) return undefined;
  for (const k of OPTIONAL_NUMBERS)
    if (!nullishOr(b[k], (v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  for (const k of ['max_tokens', 'max_completion_tokens'] as const)
    if (!nullishOr(b[k], (v) => Number.isSafeInteger(v) && (v as number) > 0)) return undefined;
  if (!nullishOr(b.stream, (v) => typeof v === 'boolean')) return undefined;
  // Autocomplete clients send `stop` with nearly every request: a string or a list of strings.
  const isText = (v: unknown) => typeof v === 'string';
  if (!nullishOr(b.stop, (v) => isText(v) || (Array.isArray(v) && v.every(isText)))) return undefined;
  const options = b.stream_options;
  if (
    !nullishOr(
      options,
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        nullishOr((v as { include_usage?: unknown }).include_usage, (u) => typeof u === 'boolean', false),
    )
  )
    return undefined;
  return b as ChatCompletionBody;
}

function nullishOr(value: unknown, ok: (v: unknown) => boolean, allowNull = true): boolean {
  return value === undefined || (allowNull && value === null) || ok(value);
}
