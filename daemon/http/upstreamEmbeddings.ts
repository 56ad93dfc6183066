import { ConduitError, type ErrorCode, type ProviderId } from '../../protocol';

export interface EmbeddingAnswer {
  vectors: number[][];
  model: string;
  promptTokens: number;
}

// The SDKs load on the first embeddings call, not when the daemon starts; then once.
let genai: Promise<typeof import('@google/genai')> | undefined;
let openai: Promise<typeof import('openai')> | undefined;

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

/** One embeddings call through the official SDK, retries off; errors become ConduitErrors without the key. */
export async function upstreamEmbeddings(
  provider: ProviderId,
  model: string,
  inputs: string[],
  access: { apiKey: string; baseURL: string },
  signal: AbortSignal,
): Promise<EmbeddingAnswer> {
  try {
    if (provider === 'gemini') {
      const { GoogleGenAI } = await (genai ??= import('@google/genai'));
      const client = new GoogleGenAI({
        apiKey: access.apiKey,
        vertexai: false,
        httpOptions: { baseUrl: access.baseURL, timeout: 60_000 },
      });
      const res = await client.models.embedContent({ model, contents: inputs, config: { abortSignal: signal } });
      const vectors = (res.embeddings ?? []).map((e) => e.values ?? []);
      return { vectors, model, promptTokens: Math.ceil(inputs.join('').length / 4) };
    }
    const { default: OpenAI } = await (openai ??= import('openai'));
    const client = new OpenAI({
      apiKey: access.apiKey,
      baseURL: access.baseURL,
      maxRetries: 0,
      timeout: 60_000,
      organization: null,
      project: null,
    });
    const res = await client.embeddings.create({ model, input: inputs, encoding_format: 'float' }, { signal });
    const sorted = [...res.data].sort((a, b) => a.index - b.index);
    return { vectors: sorted.map((d) => d.embedding), model: res.model, promptTokens: res.usage?.prompt_tokens ?? 0 };
  } catch (err) {
    const status =
      typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined;
    const code: ErrorCode =
      status === undefined
        ? 'network'
        : status === 429
          ? 'rate_limited'
          : status === 401
            ? 'auth'
            : status === 403
              ? 'permission'
              : status === 404
                ? 'not_found'
                : status < 500
                  ? 'invalid_request'
                  : 'server_error';
    throw new ConduitError({
      code,
      provider,
      model,
      ...(status !== undefined ? { status } : {}),
      message: `${provider} could not make the embeddings (${status ?? 'no response'}).`,
    });
  }
}
