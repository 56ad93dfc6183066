import { z } from 'zod';
import { PROFILE_NAME, ProviderIds, type ChatRequest } from '../../protocol';

const message = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
}).strict();

/** The shape every ChatRequest must have; anything else is refused before routing. */
export const chatRequestSchema = z.object({
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
}).strict();

export function parseChatRequest(input: unknown): { ok: true; request: ChatRequest } | { ok: false; problem: string } {
  const parsed = chatRequestSchema.safeParse(input);
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') };
}
