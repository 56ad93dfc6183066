import { z } from 'zod';
import { textOf, type ChatRequest } from '../../protocol';
import { redactOutput } from '../guard/outputGuard';
import type { Redactor } from '../guard/redact';

export const samplingSchema = z
  .object({
    /** Off by default: the ledger holds no prompt or response text unless the user asks. */
    enabled: z.boolean().default(false),
    /** The share of requests sampled, 0 to 1. */
    rate: z.number().min(0).max(1).default(1),
    /** Each sampled text is cut to this many characters. */
    maxChars: z.number().int().min(100).max(100_000).default(4000),
  })
  .strict();

export type SamplingSettings = z.infer<typeof samplingSchema>;

/**
 * The prompt and answer kept with a ledger row when sampling is on: the last user message (and
 * the system prompt), then the answer, each with keys, secrets and PII removed and cut short.
 */
export function sampleOf(
  request: ChatRequest | undefined,
  responseText: string | undefined,
  settings: SamplingSettings,
  redactor: Redactor,
  random: () => number = Math.random,
): { prompt: string; response: string } | null {
  if (!settings.enabled || !request || random() >= settings.rate) return null;
  const lastMessage = [...request.messages].reverse().find((m) => m.role === 'user');
  const last = lastMessage ? textOf(lastMessage.content) : '';
  const prompt = request.system ? `[system] ${request.system}\n[user] ${last}` : last;
  const clean = (text: string) =>
    clip(redactor.text(redactOutput(text, { secrets: true, pii: true }).text), settings.maxChars);
  return { prompt: clean(prompt), response: clean(responseText ?? '') };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
