import { z } from 'zod';

const HOUR = 3_600_000;

const semanticSchema = z.object({
  enabled: z.boolean().default(true),
  /** Which embedder turns a prompt into a vector; `local` falls back to `lexical` when its model is missing. */
  embedder: z.enum(['lexical', 'local', 'provider']).default('lexical'),
  /** The folder holding the all-MiniLM-L6-v2 ONNX model, for `local`; CONDUIT_HOME/models when absent. */
  localModelPath: z.string().min(1).optional(),
  localModelId: z.string().min(1).default('Xenova/all-MiniLM-L6-v2'),
  /** For `provider`: OpenAI or Gemini embeddings, through the same base URL and key as chat. */
  provider: z.enum(['openai', 'gemini']).default('openai'),
  providerModel: z.string().min(1).optional(),
  /** Cosine similarity a match must reach; 1 would be the same text. */
  threshold: z.number().min(0).max(1).default(0.95),
  thresholdByFeature: z.record(z.string(), z.number().min(0).max(1)).default({}),
  /** Features where a near answer is a wrong answer: code edits, commit messages, tests, fixes. */
  disabledFeatures: z.array(z.string()).default(['edit', 'commit', 'refactor', 'fix', 'test', 'generate']),
  /** Index size above which an ANN index would pay off; informational until one is installed. */
  maxIndexEntries: z.number().int().positive().default(100_000),
}).strict();

export const cacheSchema = z.object({
  enabled: z.boolean().default(true),
  maxEntries: z.number().int().positive().default(5000),
  /** The most the entries may hold in memory (prompt, answer and vector), in bytes. */
  maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
  ttlMs: z.number().int().positive().default(24 * HOUR),
  ttlMsByFeature: z.record(z.string(), z.number().int().positive()).default({}),
  /**
   * Sampled answers (temperature > 0, or none given: every provider's default is above 0) are
   * cached only for the features set true here; "*" sets the default.
   */
  cacheNonZeroTemperature: z.record(z.string(), z.boolean()).default({ explain: true }),
  /** How long after its expiry an entry may still answer as `stale` when every provider fails. */
  staleMaxAgeMs: z.number().int().min(0).default(7 * 24 * HOUR),
  /** Identical requests in flight share one upstream call. */
  coalesce: z.boolean().default(true),
  /** After a restart, re-ask the N prompts hit most often whose entries have expired, at background priority. */
  warmOnStart: z.object({
    enabled: z.boolean().default(false),
    topN: z.number().int().min(1).max(1000).default(20),
  }).strict().default({ enabled: false, topN: 20 }),
  semantic: semanticSchema.default(semanticSchema.parse({})),
}).strict();

export type CacheSettings = z.infer<typeof cacheSchema>;
export type SemanticSettings = z.infer<typeof semanticSchema>;

export function defaultCacheSettings(): CacheSettings {
  return cacheSchema.parse({});
}

export function ttlFor(settings: CacheSettings, feature: string): number {
  return settings.ttlMsByFeature[feature] ?? settings.ttlMs;
}

export function thresholdFor(settings: SemanticSettings, feature: string): number {
  return settings.thresholdByFeature[feature] ?? settings.threshold;
}

/** Whether a request at this temperature may be served from (and stored in) the cache. */
export function temperatureAllowed(settings: CacheSettings, feature: string, temperature: number | undefined): boolean {
  if (temperature === 0) return true;
  return settings.cacheNonZeroTemperature[feature] ?? settings.cacheNonZeroTemperature['*'] ?? false;
}
