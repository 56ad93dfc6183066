import { z } from 'zod';
import type { ChatMessage, ChatRequest, ContentPart, ImagePart, ToolChoice } from '../../../protocol';
import { lazySchema } from '../../config/lazySchema';
import { badRequest, modelNotFound, type HttpFailure } from '../errorStatus';
import { mergeTurns } from '../mergeTurns';
import { resolveModelName, unknownModelMessage } from '../modelName';
import { plainChat } from './plainChat';

function contentSchema() {
  const textPart = z.object({ type: z.literal('text'), text: z.string() });
  const imagePart = z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string() }) });
  return z.union([z.string(), z.array(z.union([textPart, imagePart, z.object({ type: z.string() })])), z.null()]);
}
type Content = z.infer<ReturnType<typeof contentSchema>>;

/**
 * The fields of POST /v1/chat/completions Conduit maps; others are accepted and ignored. Built on
 * first use (lazySchema.ts).
 */
export const chatCompletionSchema = lazySchema(() => {
  const toolCall = z.object({
    id: z.string(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string(), arguments: z.string() }),
  });

  const content = contentSchema();
  const messageSchema = z.discriminatedUnion('role', [
    z.object({ role: z.literal('system'), content }),
    z.object({ role: z.literal('developer'), content }),
    z.object({ role: z.literal('user'), content }),
    z.object({
      role: z.literal('assistant'),
      content: content.optional(),
      tool_calls: z.array(toolCall).optional(),
    }),
    z.object({ role: z.literal('tool'), tool_call_id: z.string(), content }),
  ]);

  return z.object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    temperature: z.number().nullish(),
    // A string or up to 4 strings; the canonical request's own limits say what is too many.
    stop: z.union([z.string(), z.array(z.string())]).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    n: z.number().int().nullish(),
    tools: z
      .array(
        z.object({
          type: z.literal('function'),
          function: z.object({
            name: z.string(),
            description: z.string().optional(),
            parameters: z.record(z.string(), z.unknown()).optional(),
          }),
        }),
      )
      .nullish(),
    tool_choice: z
      .union([
        z.enum(['auto', 'none', 'required']),
        z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
      ])
      .nullish(),
    response_format: z
      .union([
        z.object({ type: z.enum(['text', 'json_object']) }),
        z.object({
          type: z.literal('json_schema'),
          json_schema: z.object({
            name: z.string(),
            description: z.string().optional(),
            schema: z.record(z.string(), z.unknown()).optional(),
          }),
        }),
      ])
      .nullish(),
    reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullish(),
  });
});

export type ChatCompletionBody = z.infer<ReturnType<typeof chatCompletionSchema>>;

export interface MappedChat {
  request: ChatRequest;
  /** The name the client asked for, echoed back as OpenAI does. */
  model: string;
  stream: boolean;
  includeUsage: boolean;
}

/** An OpenAI chat completion request as the canonical request; a failure says which field is wrong. */
export function mapChatCompletion(body: unknown, feature: string): MappedChat | HttpFailure {
  // A body is the client's object: its own keys (a "status" field too) must not be read as a failure.
  const parsed = plainChat(body) ?? parseBody(body);
  if (parsed instanceof Failure) return parsed.failure;
  const b = parsed;
  if (b.n !== undefined && b.n !== null && b.n !== 1)
    return badRequest('n other than 1 is not supported by Conduit; send one request per choice.');
  const choice = resolveModelName(b.model);
  if (!choice) return modelNotFound(unknownModelMessage(b.model));
  const system: string[] = [];
  const turns: ChatMessage[] = [];
  for (const m of b.messages) {
    if (m.role === 'system' || m.role === 'developer') {
      system.push(textOnly(m.content));
      continue;
    }
    if (m.role === 'tool') {
      turns.push({
        role: 'user',
        content: [{ type: 'tool_result', toolUseId: m.tool_call_id, content: textOnly(m.content) }],
      });
      continue;
    }
    if (m.role === 'user') {
      const parts = userParts(m.content);
      if ('status' in parts) return parts;
      turns.push({ role: 'user', content: parts });
      continue;
    }
    const parts: ContentPart[] = [];
    const text = m.content === undefined ? '' : textOnly(m.content);
    if (text) parts.push({ type: 'text', text });
    for (const call of m.tool_calls ?? []) {
      const input = parseArguments(call.function.arguments);
      if (!input) return badRequest(`messages: the arguments of tool call ${call.id} are not a JSON object.`);
      parts.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
    }
    turns.push({ role: 'assistant', content: parts.length ? parts : '' });
  }
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  const request: ChatRequest = {
    messages: mergeTurns(turns),
    feature,
    ...choice,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    ...(maxTokens ? { max_tokens: maxTokens } : {}),
    ...(b.temperature !== undefined && b.temperature !== null ? { temperature: b.temperature } : {}),
    ...(b.stream ? { stream: true } : {}),
    ...stopOf(b.stop),
    ...(b.tools?.length
      ? {
          tools: b.tools.map((t) => ({
            name: t.function.name,
            ...(t.function.description ? { description: t.function.description } : {}),
            inputSchema: t.function.parameters ?? { type: 'object', properties: {} },
          })),
        }
      : {}),
    ...(b.tool_choice ? { toolChoice: toolChoiceOf(b.tool_choice) } : {}),
    ...(b.reasoning_effort ? { reasoningEffort: b.reasoning_effort === 'minimal' ? 'low' : b.reasoning_effort } : {}),
  };
  const format = b.response_format;
  if (format?.type === 'json_object') request.responseFormat = 'json';
  if (format?.type === 'json_schema') {
    request.responseSchema = {
      name: format.json_schema.name,
      ...(format.json_schema.description ? { description: format.json_schema.description } : {}),
      schema: format.json_schema.schema ?? { type: 'object' },
    };
  }
  return { request, model: b.model, stream: b.stream === true, includeUsage: b.stream_options?.include_usage === true };
}

class Failure {
  constructor(readonly failure: HttpFailure) {}
}

function parseBody(body: unknown): ChatCompletionBody | Failure {
  const parsed = chatCompletionSchema().safeParse(body);
  if (parsed.success) return parsed.data;
  return new Failure(
    badRequest(
      `The chat completion request is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}.`,
    ),
  );
}

function toolChoiceOf(c: NonNullable<ChatCompletionBody['tool_choice']>): ToolChoice {
  return typeof c === 'string' ? c : { name: c.function.name };
}

function textOnly(content: Content): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join('');
}

function userParts(content: Content): ContentPart[] | HttpFailure {
  if (content === null || typeof content === 'string') return [{ type: 'text', text: content ?? '' }];
  const parts: ContentPart[] = [];
  for (const p of content) {
    if (p.type === 'text' && 'text' in p && typeof p.text === 'string') parts.push({ type: 'text', text: p.text });
    else if (p.type === 'image_url' && 'image_url' in p) {
      const image = dataUrlImage(p.image_url.url);
      if (!image)
        return badRequest(
          'messages: an image_url must be a data: URL of a PNG, JPEG, GIF or WebP image (Conduit does not fetch URLs).',
        );
      parts.push(image);
    } else
      return badRequest(
        `messages: content parts of type ${JSON.stringify(p.type)} are not supported; send text or image_url.`,
      );
  }
  return parts.length ? parts : [{ type: 'text', text: '' }];
}

function dataUrlImage(url: string): ImagePart | undefined {
  const m = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.+)$/s.exec(url);
  return m ? { type: 'image', mediaType: m[1] as ImagePart['mediaType'], data: m[2]! } : undefined;
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** OpenAI's `stop` (a string or a list) as the canonical list; null, "" and [] mean none. */
function stopOf(stop: string | string[] | null | undefined): { stop?: string[] } {
  const list = typeof stop === 'string' ? [stop] : (stop ?? []);
  return list.length && list.some((s) => s !== '') ? { stop: list } : {};
}
