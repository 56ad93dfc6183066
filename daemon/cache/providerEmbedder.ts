import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { normalize, type Embedder } from './embedder';
import type { EmbeddingCall } from './embeddingUsage';

export interface ProviderEmbedderOptions {
  provider: 'openai' | 'gemini';
  apiKey: string;
  baseURL: string;
  model?: string;
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Told of every call, so its cost reaches the ledger (feature `embedding`). */
  onCall?: (call: EmbeddingCall) => void;
}

/** Gemini reports no token count for embeddings: about four characters a token, as the budget estimates. */
const estimateTokens = (texts: readonly string[]) => Math.ceil(texts.reduce((n, t) => n + t.length, 0) / 4);

const DEFAULT_MODELS = { openai: 'text-embedding-3-small', gemini: 'gemini-embedding-001' } as const;

/** Inputs one request may carry: OpenAI's embeddings endpoint takes 2,048, Gemini's batchEmbedContents 100. */
export const MAX_INPUTS = { openai: 2048, gemini: 100 } as const;

/**
 * OpenAI (`embeddings.create` with an input array) or Gemini (`models.embedContent` with several
 * contents, which @google/genai sends to `:batchEmbedContents`) embeddings, through the official
 * SDKs: many texts go in one request.
 */
export function providerEmbedder(opts: ProviderEmbedderOptions): Embedder {
  const model = opts.model ?? DEFAULT_MODELS[opts.provider];
  if (opts.provider === 'openai') {
    const client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: opts.baseURL,
      maxRetries: 0,
      timeout: 30_000,
      organization: null,
      project: null,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    return {
      id: `provider:openai:${model}`,
      maxBatch: MAX_INPUTS.openai,
      async embed(texts, signal) {
        if (texts.length === 0) return [];
        const startedAt = Date.now();
        const t0 = performance.now();
        const report = (inputTokens: number, estimated: boolean, error: string | null) =>
          opts.onCall?.({
            provider: 'openai',
            model,
            texts: texts.length,
            inputTokens,
            estimated,
            startedAt,
            latencyMs: Math.round(performance.now() - t0),
            error,
          });
        let res;
        try {
          res = await client.embeddings.create(
            { model, input: [...texts], encoding_format: 'float' },
            signal ? { signal } : {},
          );
        } catch (err) {
          report(0, true, err instanceof Error ? err.message : String(err));
          throw err;
        }
        report(res.usage?.prompt_tokens ?? estimateTokens(texts), res.usage?.prompt_tokens === undefined, null);
        const sorted = [...res.data].sort((a, b) => a.index - b.index);
        return sorted.map((d) => normalize(Float32Array.from(d.embedding)));
      },
    };
  }
  const client = new GoogleGenAI({
    apiKey: opts.apiKey,
    vertexai: false,
    httpOptions: { baseUrl: opts.baseURL, timeout: 30_000 },
  });
  return {
    id: `provider:gemini:${model}`,
    maxBatch: MAX_INPUTS.gemini,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const startedAt = Date.now();
      const t0 = performance.now();
      const report = (error: string | null) =>
        opts.onCall?.({
          provider: 'gemini',
          model,
          texts: texts.length,
          inputTokens: error ? 0 : estimateTokens(texts),
          estimated: true,
          startedAt,
          latencyMs: Math.round(performance.now() - t0),
          error,
        });
      let res;
      try {
        res = await client.models.embedContent({
          model,
          contents: [...texts],
          config: signal ? { abortSignal: signal } : {},
        });
      } catch (err) {
        report(err instanceof Error ? err.message : String(err));
        throw err;
      }
      report(null);
      const vectors = res.embeddings ?? [];
      if (vectors.length !== texts.length)
        throw new Error(`Gemini returned ${vectors.length} embeddings for ${texts.length} texts`);
      return vectors.map((e) => normalize(Float32Array.from(e.values ?? [])));
    },
  };
}
