import { z } from 'zod';
import type { ChatMessage, ChatRequest, ContentPart, ReasoningEffort, ToolChoice } from '../../../protocol';
import { lazySchema } from '../../config/lazySchema';
import { badRequest, modelNotFound, type HttpFailure } from '../errorStatus';
import { mergeTurns } from '../mergeTurns';
import { resolveModelName, unknownModelMessage } from '../modelName';

/** The content blocks Conduit maps, built with the schema that uses them. */
function blockSchemas() {
  const textBlock = z.object({ type: z.literal('text'), text: z.string() });
  const imageBlock = z.object({
    type: z.literal('image'),
    source: z.object({ type: z.string(), media_type: z.string().optional(), data: z.string().optional() }),
  });
  const toolUseBlock = z.object({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.record(z.string(), z.unknown()),
  });
  const toolResultBlock = z.object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]).optional(),
    is_error: z.boolean().optional(),
  });
  const otherBlock = z.object({ type: z.string() });
  const block = z.union([textBlock, imageBlock, toolUseBlock, toolResultBlock, otherBlock]);
  return { textBlock, imageBlock, toolUseBlock, toolResultBlock, block };
}
type Blocks = ReturnType<typeof blockSchemas>;
type BlockOf<K extends keyof Blocks> = z.infer<Blocks[K]>;

/** The fields of POST /v1/messages Conduit maps; others are accepted and ignored. Built on first use. */
export const messagesSchema = lazySchema(() => {
  const { block } = blockSchemas();
  return z.object({
    model: z.string().min(1),
    max_tokens: z.number().int().positive(),
    messages: z
      .array(z.object({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(block)]) }))
      .min(1),
    system: z.union([z.string(), z.array(z.object({ type: z.literal('text'), text: z.string() }))]).optional(),
    temperature: z.number().optional(),
    stop_sequences: z.array(z.string()).optional(),
    stream: z.boolean().optional(),
    tools: z
      .array(
        z.object({
          name: z.string(),
          description: z.string().optional(),
          input_schema: z.record(z.string(), z.unknown()),
        }),
      )
      .optional(),
    tool_choice: z.object({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() }).optional(),
    thinking: z.object({ type: z.string(), budget_tokens: z.number().optional() }).optional(),
  });
});

/** The body of POST /v1/messages/count_tokens: the same, without max_tokens. */
export const countTokensSchema = lazySchema(() =>
  messagesSchema().omit({
    max_tokens: true,
    stream: true,
    temperature: true,
    stop_sequences: true,
  }),
);

export interface MappedMessages {
  request: ChatRequest;
  model: string;
  stream: boolean;
}

/** An Anthropic Messages request as the canonical request; a failure says which field is wrong. */
export function mapMessages(body: unknown, feature: string): MappedMessages | HttpFailure {
  const parsed = messagesSchema().safeParse(body);
  if (!parsed.success) return badRequest(problemText('messages', parsed.error));
  const b = parsed.data;
  const mapped = mapCommon(b, feature);
  if ('status' in mapped) return mapped;
  const request: ChatRequest = {
    ...mapped,
    max_tokens: b.max_tokens,
    ...(b.temperature !== undefined ? { temperature: Math.min(b.temperature, 1) } : {}),
    ...(b.stream ? { stream: true } : {}),
    ...(b.stop_sequences?.length ? { stop: b.stop_sequences } : {}),
  };
  const effort = effortOf(b.thinking);
  if (effort) request.reasoningEffort = effort;
  return { request, model: b.model, stream: b.stream === true };
}

/** The count_tokens body as a canonical request (for the estimate); nothing is sent. */
export function mapCountTokens(body: unknown): ChatRequest | HttpFailure {
  const parsed = countTokensSchema().safeParse(body);
  if (!parsed.success) return badRequest(problemText('count_tokens', parsed.error));
  return mapCommon(parsed.data, 'count_tokens');
}

function mapCommon(b: z.infer<ReturnType<typeof countTokensSchema>>, feature: string): ChatRequest | HttpFailure {
  const choice = resolveModelName(b.model);
  if (!choice) return modelNotFound(unknownModelMessage(b.model));
  const turns: ChatMessage[] = [];
  for (const m of b.messages) {
    if (typeof m.content === 'string') {
      turns.push({ role: m.role, content: m.content });
      continue;
    }
    const parts: ContentPart[] = [];
    for (const p of m.content) {
      const part = partOf(p);
      if (part === undefined) continue;
      if ('status' in part) return part;
      parts.push(part);
    }
    turns.push({ role: m.role, content: parts.length ? parts : '' });
  }
  const system = typeof b.system === 'string' ? b.system : b.system?.map((s) => s.text).join('\n\n');
  return {
    messages: mergeTurns(turns),
    feature,
    ...choice,
    ...(system ? { system } : {}),
    ...(b.tools?.length
      ? {
          tools: b.tools.map((t) => ({
            name: t.name,
            ...(t.description ? { description: t.description } : {}),
            inputSchema: t.input_schema,
          })),
        }
      : {}),
    ...(b.tool_choice ? { toolChoice: toolChoiceOf(b.tool_choice) } : {}),
  };
}

/** Undefined for blocks the canonical request has no place for (thinking, documents): left out. */
function partOf(p: BlockOf<'block'>): ContentPart | HttpFailure | undefined {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: (p as BlockOf<'textBlock'>).text };
    case 'image': {
      const src = (p as BlockOf<'imageBlock'>).source;
      const types = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
      if (src.type !== 'base64' || !src.data || !src.media_type || !types.includes(src.media_type)) {
        return badRequest(
          'messages: an image must have a base64 source of a PNG, JPEG, GIF or WebP image (Conduit does not fetch URLs).',
        );
      }
      return { type: 'image', mediaType: src.media_type as 'image/png', data: src.data };
    }
    case 'tool_use': {
      const t = p as BlockOf<'toolUseBlock'>;
      return { type: 'tool_use', id: t.id, name: t.name, input: t.input };
    }
    case 'tool_result': {
      const r = p as BlockOf<'toolResultBlock'>;
      const content = typeof r.content === 'string' ? r.content : (r.content ?? []).map((c) => c.text ?? '').join('');
      return { type: 'tool_result', toolUseId: r.tool_use_id, content, ...(r.is_error ? { isError: true } : {}) };
    }
    case 'thinking':
    case 'redacted_thinking':
      return undefined;
    default:
      return badRequest(
        `messages: content blocks of type ${JSON.stringify(p.type)} are not supported by Conduit; send text, image, tool_use or tool_result.`,
      );
  }
}

function toolChoiceOf(c: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string | undefined }): ToolChoice {
  if (c.type === 'tool' && c.name) return { name: c.name };
  return c.type === 'any' ? 'required' : c.type === 'none' ? 'none' : 'auto';
}

/** A thinking budget as the canonical effort: the daemon turns it back into a budget per provider. */
function effortOf(
  thinking: { type: string; budget_tokens?: number | undefined } | undefined,
): ReasoningEffort | undefined {
  if (!thinking || thinking.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens ?? 0;
  return budget >= 16_000 ? 'high' : budget >= 4_000 ? 'medium' : 'low';
}

function problemText(what: string, error: z.ZodError): string {
  return `The ${what} request is malformed: ${error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}.`;
}
