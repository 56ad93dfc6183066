import { z } from 'zod';
import { lazySchema } from '../config/lazySchema';
import { PROFILE_NAME, ProviderIds, type ChatRequest } from '../../protocol';

/** Stop sequences: more than any provider is worth sending; each model's own most is checked when it is routed. */
const MAX_STOPS = 16;
const MAX_STOP_LENGTH = 1000;

/** The shape every ChatRequest must have; anything else is refused before routing. */
export const chatRequestSchema = lazySchema(() => {
  /** Anthropic's and OpenAI's rule for tool names, the stricter of the three. */
  const toolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1 to 64 letters, digits, "_" or "-"');
  const jsonObject = z.record(z.string(), z.unknown());

  const part = z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text: z.string() }).strict(),
    z
      .object({
        type: z.literal('image'),
        mediaType: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
        data: z.string().min(1),
      })
      .strict(),
    z
      .object({
        type: z.literal('tool_use'),
        id: z.string().min(1).max(200),
        name: toolName,
        input: jsonObject,
        signature: z.string().max(100_000).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('tool_result'),
        toolUseId: z.string().min(1).max(200),
        content: z.string(),
        isError: z.boolean().optional(),
      })
      .strict(),
  ]);

  const message = z
    .object({
      role: z.enum(['user', 'assistant']),
      content: z.union([z.string(), z.array(part).min(1, 'content parts may not be empty')]),
    })
    .strict();

  /** Every provider takes a tool's arguments as an object (Anthropic's input_schema must say type "object"). */
  const toolInputSchema = jsonObject.refine((s) => s.type === undefined || s.type === 'object', {
    message:
      'a tool\'s inputSchema must describe an object (type "object"): ' +
      'every provider passes tool arguments as an object; put the value in a property',
  });
  const tool = z
    .object({ name: toolName, description: z.string().max(10_000).optional(), inputSchema: toolInputSchema })
    .strict();

  const chatRequest = z
    .object({
      messages: z.array(message).min(1, 'at least one message is required'),
      system: z.string().optional(),
      provider: z.enum(ProviderIds).optional(),
      model: z.string().min(1).max(200).optional(),
      tier: z.enum(['simple', 'moderate', 'complex']).optional(),
      max_tokens: z.number().int().positive().max(1_000_000).optional(),
      temperature: z.number().min(0).max(2).optional(),
      stream: z.boolean().optional(),
      feature: z.string().max(100).optional(),
      priority: z.enum(['interactive', 'background']).optional(),
      profile: z.string().regex(PROFILE_NAME, 'a profile name is letters, digits, ".", "_" and "-"').optional(),
      responseFormat: z.literal('json').optional(),
      /** What A/B assignment hashes; a client's retry sends the same one. */
      experimentKey: z.string().max(200).optional(),
      tools: z.array(tool).max(128).optional(),
      toolChoice: z.union([z.enum(['auto', 'none', 'required']), z.object({ name: toolName }).strict()]).optional(),
      responseSchema: z
        .object({ name: toolName, description: z.string().max(10_000).optional(), schema: jsonObject })
        .strict()
        .optional(),
      reasoningEffort: z.enum(['low', 'medium', 'high']).optional(),
      stop: z
        .array(
          z
            .string()
            .min(1, 'a stop sequence may not be empty')
            .max(MAX_STOP_LENGTH, `a stop sequence is at most ${MAX_STOP_LENGTH} characters`),
        )
        .max(MAX_STOPS, `at most ${MAX_STOPS} stop sequences (OpenAI models take 4, Gemini 5)`)
        .optional(),
    })
    .strict();
  return chatRequest;
});

export function parseChatRequest(input: unknown): { ok: true; request: ChatRequest } | { ok: false; problem: string } {
  const parsed = chatRequestSchema().safeParse(input);
  if (parsed.success) return { ok: true, request: parsed.data };
  return {
    ok: false,
    problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
  };
}
