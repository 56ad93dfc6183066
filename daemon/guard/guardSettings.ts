import { z } from 'zod';
import { ONE_SHOT_PARSE } from '../config/oneShotParse';

const secretMode = z.enum(['redact', 'block', 'allow']);
const outputMode = z.enum(['redact', 'off']);

/** config.json `guard`: what the guard checks on the way in and out, per feature where it matters. */
export const guardSettingsSchema = z
  .object({
    /** Characters (system + messages) per feature, e.g. { "explain": 20000 }; maxPromptChars otherwise. */
    maxCharsByFeature: z.record(z.string(), z.number().int().positive()).default({}),
    /** Estimated input tokens per feature (about 4 characters a token). */
    maxTokensByFeature: z.record(z.string(), z.number().int().positive()).default({}),
    /** Secrets found in a prompt: replaced by a placeholder (redact), refused (block), or sent (allow). */
    secrets: secretMode.default('redact'),
    secretsByFeature: z.record(z.string(), secretMode).default({}),
    /** Features whose prompts go through OpenAI's moderation endpoint first; off by default. */
    moderationFeatures: z.array(z.string()).default([]),
    output: z
      .object({
        /** Secrets in answers. */
        secrets: outputMode.default('redact'),
        /** Email addresses, phone numbers and card numbers in answers. */
        pii: outputMode.default('off'),
        piiByFeature: z.record(z.string(), outputMode).default({}),
      })
      .strict()
      .default({ secrets: 'redact', pii: 'off', piiByFeature: {} }),
    /** Features whose answers must be JSON (as if each request asked for responseFormat "json"). */
    jsonFeatures: z.array(z.string()).default([]),
  })
  .strict();

export type GuardSettings = z.infer<typeof guardSettingsSchema>;
export type SecretMode = z.infer<typeof secretMode>;

export const defaultGuardSettings = (): GuardSettings => guardSettingsSchema.parse({}, ONE_SHOT_PARSE);

export function secretModeFor(s: GuardSettings, feature: string): SecretMode {
  return s.secretsByFeature[feature] ?? s.secrets;
}

export function piiModeFor(s: GuardSettings, feature: string): 'redact' | 'off' {
  return s.output.piiByFeature[feature] ?? s.output.pii;
}

/** About 4 characters a token for English and code; a guard, not a bill. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
