/**
 * Turns prompts into unit-length vectors for the semantic cache. Three kinds (docs/caching.md):
 * `local` (all-MiniLM-L6-v2 through @huggingface/transformers), `provider` (OpenAI or Gemini
 * embeddings) and `lexical` (hashed character n-grams, always available).
 */
export interface Embedder {
  /** Names the kind, model and version: vectors from two different ids are never compared. */
  readonly id: string;
  /**
   * The most texts one call takes, for embedders where one call for many texts costs much less
   * than many calls (a provider request, an inference run); absent when batching gains nothing.
   */
  readonly maxBatch?: number;
  /** `priority` tells a batching embedder how long the request may wait for company. */
  embed(texts: readonly string[], signal?: AbortSignal, priority?: EmbedPriority): Promise<Float32Array[]>;
}

/** Interactive lookups wait a few ms for company; background work (warming, storing) longer. */
export type EmbedPriority = 'interactive' | 'background';

/** Scales `v` to unit length in place (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}
