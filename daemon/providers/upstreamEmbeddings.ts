import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { geminiUpstreamError } from './gemini/geminiError';
import { ResponseCapture } from './gemini/responseCapture';
import { lowerCaseHeaders } from './headers';
import { openaiUpstreamError } from './openai/openaiError';
import type { EmbeddingAnswer } from './embeddingProvider';

export type { EmbeddingAnswer } from './embeddingProvider';

/** Gemini reports no token count for embeddings: about four characters a token, as elsewhere. */
function estimatedTokens(inputs: readonly string[]): number {
  return Math.ceil(inputs.reduce((n, t) => n + t.length, 0) / 4);
}

/**
 * One embeddings attempt through the official SDK, its retries off: Conduit's executor retries.
 * Failures are UpstreamErrors (status, headers, retry hints, the key redacted), as the chat
 * adapters throw, so the same classification, Retry-After and breaker rules apply.
 */
export async function upstreamEmbeddings(
  provider: 'openai' | 'gemini',
  model: string,
  inputs: string[],
  access: { apiKey: string; baseURL: string },
  signal: AbortSignal,
  dimensions?: number,
): Promise<EmbeddingAnswer> {
  if (provider === 'gemini') {
    const capture = new ResponseCapture();
    try {
      const client = new GoogleGenAI({
        apiKey: access.apiKey,
        vertexai: false,
        httpOptions: { baseUrl: access.baseURL, fetch: capture.fetch },
      });
      const res = await client.models.embedContent({
        model,
        contents: inputs,
        config: { abortSignal: signal, ...(dimensions ? { outputDimensionality: dimensions } : {}) },
      });
      const vectors = (res.embeddings ?? []).map((e) => e.values ?? []);
      return { vectors, model, promptTokens: estimatedTokens(inputs), headers: capture.headers };
    } catch (err) {
      throw geminiUpstreamError(err, access.apiKey, capture);
    }
  }
  try {
    const client = new OpenAI({
      apiKey: access.apiKey,
      baseURL: access.baseURL,
      maxRetries: 0,
      organization: null,
      project: null,
    });
    const { data: res, response } = await client.embeddings
      .create({ model, input: inputs, encoding_format: 'float', ...(dimensions ? { dimensions } : {}) }, { signal })
      .withResponse();
    const sorted = [...res.data].sort((a, b) => a.index - b.index);
    return {
      vectors: sorted.map((d) => d.embedding),
      model: res.model,
      promptTokens: res.usage?.prompt_tokens ?? estimatedTokens(inputs),
      headers: lowerCaseHeaders(response.headers),
    };
  } catch (err) {
    throw openaiUpstreamError(provider, err, access.apiKey);
  }
}
