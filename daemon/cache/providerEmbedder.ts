import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { normalize, type Embedder } from './embedder';

export interface ProviderEmbedderOptions {
  provider: 'openai' | 'gemini';
  apiKey: string;
  baseURL: string;
  model?: string;
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

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
        const res = await client.embeddings.create({ model, input: [...texts], encoding_format: 'float' }, signal ? { signal } : {});
        const sorted = [...res.data].sort((a, b) => a.index - b.index);
        return sorted.map((d) => normalize(Float32Array.from(d.embedding)));
      },
    };
  }
  const client = new GoogleGenAI({ apiKey: opts.apiKey, vertexai: false, httpOptions: { baseUrl: opts.baseURL, timeout: 30_000 } });
  return {
    id: `provider:gemini:${model}`,
    maxBatch: MAX_INPUTS.gemini,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const res = await client.models.embedContent({ model, contents: [...texts], config: signal ? { abortSignal: signal } : {} });
      const vectors = res.embeddings ?? [];
      if (vectors.length !== texts.length) throw new Error(`Gemini returned ${vectors.length} embeddings for ${texts.length} texts`);
      return vectors.map((e) => normalize(Float32Array.from(e.values ?? [])));
    },
  };
}
