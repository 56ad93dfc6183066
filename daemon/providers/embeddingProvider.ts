// What the embeddings path needs before an SDK is loaded: upstreamEmbeddings.ts (which imports
// the SDKs) is imported on the first call.

export interface EmbeddingAnswer {
  vectors: number[][];
  model: string;
  promptTokens: number;
  /** The response's headers, for the rate limiter (its limits and remaining capacity). */
  headers: Record<string, string>;
}

/** Which provider serves an embedding model: `gemini…` and `text-embedding-004` are Gemini's. */
export function embeddingProvider(model: string): { provider: 'openai' | 'gemini'; model: string } {
  const slash = model.indexOf('/');
  if (slash > 0) {
    const prefix = model.slice(0, slash);
    if (prefix === 'openai' || prefix === 'gemini') return { provider: prefix, model: model.slice(slash + 1) };
  }
  return /^(gemini|text-embedding-004|embedding-)/.test(model)
    ? { provider: 'gemini', model }
    : { provider: 'openai', model };
}
