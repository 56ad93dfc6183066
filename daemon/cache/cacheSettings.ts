import { z } from 'zod';
import { ONE_SHOT_PARSE } from '../config/oneShotParse';

const HOUR = 3_600_000;

/**
 * sha256 of onnx/model_quantized.onnx in Xenova/all-MiniLM-L6-v2 (22,972,370 bytes, revision
 * 751bff37182d3f1213fa05d7196b954e230abad9), as pinned by several independent public projects.
 * It could not be checked against the file from this machine (no access to the model hub); a
 * different build of the model needs `cache.semantic.localModelSha256` or `--sha256`.
 */
export const MINILM_QUANTIZED_SHA256 = 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1';

const batchSchema = z
  .object({
    /** Concurrent embedding requests share one provider call or inference run (not lexical: it has no per-call cost). Fixed at start. */
    enabled: z.boolean().default(true),
    /** How long an interactive lookup's embedding waits for others, in ms. */
    windowMs: z.number().int().min(0).max(500).default(20),
    /** The same for background work (warming, storing answers), which can wait longer. */
    backgroundWindowMs: z.number().int().min(0).max(500).default(200),
    /** Texts that fill a batch: it goes at once. The provider's own limit per call applies too (OpenAI 2,048, Gemini 100). */
    maxSize: z.number().int().min(1).max(2048).default(256),
  })
  .strict();

const semanticSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Which embedder turns a prompt into a vector; `local` falls back to `lexical` when its model is missing. */
    embedder: z.enum(['lexical', 'local', 'provider']).default('lexical'),
    /**
     * The model folder for `local` (config.json, tokenizer.json and onnx/model_quantized.onnx or
     * onnx/model.onnx); CONDUIT_HOME/models/all-MiniLM-L6-v2 when absent.
     */
    localModelDir: z.string().min(1).optional(),
    /**
     * The sha256 `conduit cache model install` requires of the ONNX file it installs. The default
     * is the published hash of Xenova/all-MiniLM-L6-v2's onnx/model_quantized.onnx.
     */
    localModelSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex')
      .default(MINILM_QUANTIZED_SHA256),
    /** For `provider`: OpenAI or Gemini embeddings, through the same base URL and key as chat. */
    provider: z.enum(['openai', 'gemini']).default('openai'),
    providerModel: z.string().min(1).optional(),
    /**
     * Cosine similarity a match must reach; 1 would be the same text. Absent: the embedder's own
     * default (DEFAULT_THRESHOLDS). With `lexical` it trades recall only: the guards, not the
     * similarity, keep wrong hits out (docs/cache-and-routing.md has the measured curve).
     */
    threshold: z.number().min(0).max(1).optional(),
    thresholdByFeature: z.record(z.string(), z.number().min(0).max(1)).default({}),
    /** Features where a near answer is a wrong answer: code edits, commit messages, tests, fixes. */
    disabledFeatures: z.array(z.string()).default(['edit', 'commit', 'refactor', 'fix', 'test', 'generate']),
    /**
     * Entries in one scope above which its vectors move from brute force to an ANN index (usearch
     * HNSW); fixed at start. Brute force is exact and fast enough below it.
     */
    annThreshold: z.number().int().positive().default(5000),
    /** Micro-batching of embedding requests (see embedBatcher.ts). */
    batch: batchSchema.default(batchSchema.parse({}, ONE_SHOT_PARSE)),
  })
  .strict();

export const cacheSchema = z
  .object({
    enabled: z.boolean().default(true),
    maxEntries: z.number().int().positive().default(5000),
    /** The most the entries may hold in memory (prompt, answer and vector), in bytes. */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    ttlMs: z
      .number()
      .int()
      .positive()
      .default(24 * HOUR),
    ttlMsByFeature: z.record(z.string(), z.number().int().positive()).default({}),
    /**
     * Sampled answers (temperature > 0, or none given: every provider's default is above 0) are
     * cached only for the features set true here; "*" sets the default.
     */
    cacheNonZeroTemperature: z.record(z.string(), z.boolean()).default({ explain: true }),
    /** How long after its expiry an entry may still answer as `stale` when every provider fails. */
    staleMaxAgeMs: z
      .number()
      .int()
      .min(0)
      .default(7 * 24 * HOUR),
    /** Identical requests in flight share one upstream call. */
    coalesce: z.boolean().default(true),
    /** After a restart, re-ask the N prompts hit most often whose entries have expired, at background priority. */
    warmOnStart: z
      .object({
        enabled: z.boolean().default(false),
        topN: z.number().int().min(1).max(1000).default(20),
      })
      .strict()
      .default({ enabled: false, topN: 20 }),
    semantic: semanticSchema.default(semanticSchema.parse({}, ONE_SHOT_PARSE)),
  })
  .strict();

export type CacheSettings = z.infer<typeof cacheSchema>;
export type SemanticSettings = z.infer<typeof semanticSchema>;

export function defaultCacheSettings(): CacheSettings {
  return cacheSchema.parse({}, ONE_SHOT_PARSE);
}

export function ttlFor(settings: CacheSettings, feature: string): number {
  return settings.ttlMsByFeature[feature] ?? settings.ttlMs;
}

/**
 * The similarity a match needs when the settings name none. Lexical similarity falls fast with a
 * typo or a framing word the filler list lacks, while the guards catch what it cannot tell apart:
 * 0.7 is where its recall on the labelled corpus stops rising (bench: `--only pairs`). Learned
 * embeddings rate unrelated prompts higher, so they keep the stricter 0.95.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<SemanticSettings['embedder'], number>> = {
  lexical: 0.7,
  local: 0.95,
  provider: 0.95,
};

export function thresholdFor(settings: SemanticSettings, feature: string, embedderId?: string): number {
  const kind =
    embedderId === undefined ? settings.embedder : embedderId.startsWith('lexical') ? 'lexical' : settings.embedder;
  return settings.thresholdByFeature[feature] ?? settings.threshold ?? DEFAULT_THRESHOLDS[kind];
}

/** Whether a request at this temperature may be served from (and stored in) the cache. */
export function temperatureAllowed(settings: CacheSettings, feature: string, temperature: number | undefined): boolean {
  if (temperature === 0) return true;
  return settings.cacheNonZeroTemperature[feature] ?? settings.cacheNonZeroTemperature['*'] ?? false;
}
