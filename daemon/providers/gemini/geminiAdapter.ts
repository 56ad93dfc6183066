import type { GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import { GoogleGenAI } from '@google/genai';
import type { ProviderId } from '../../../protocol';
import { abortedError } from '../commonErrors';
import { lowerCaseHeaders } from '../headers';
import { createHttpFetch, type FetchFn } from '../httpFetch';
import { SDK_TIMEOUT_MS } from '../sdkTimeout';
import { runStream } from '../streamRunner';
import type {
  ProviderAdapter,
  ProviderConfig,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
  UpstreamError,
} from '../types';
import { fromGeminiResponse } from './geminiAnswer';
import { geminiUpstreamError } from './geminiError';
import { toGeminiParams } from './geminiRequest';
import { GeminiStreamAccumulator } from './geminiStream';
import { ResponseCapture } from './responseCapture';

/** What every call adds to the request's config. */
function callConfig(signal: AbortSignal, capture: ResponseCapture): GenerateContentConfig {
  return {
    abortSignal: signal,
    httpOptions: { fetch: capture.fetch },
    // The SDK would otherwise reopen a dropped stream by itself; retrying is Conduit's decision.
    automaticContinuation: false,
  };
}

/** Gemini served elsewhere (Vertex AI) through a GoogleGenAI client built for it. */
export interface GeminiPlatform {
  id: ProviderId;
  client: GoogleGenAI;
  /** Adds what the platform's failures say beyond the Gemini API's (missing Google credentials…). */
  refineError?: (mapped: UpstreamError, raw: unknown) => UpstreamError;
}

export class GeminiAdapter implements ProviderAdapter {
  readonly id: ProviderId;
  readonly #client: GoogleGenAI;
  readonly #apiKey: string;
  readonly #fetch: FetchFn | undefined;
  readonly #refine: NonNullable<GeminiPlatform['refineError']>;

  constructor(cfg: ProviderConfig, platform?: GeminiPlatform) {
    this.#apiKey = cfg.apiKey;
    this.id = platform?.id ?? 'gemini';
    this.#refine = platform?.refineError ?? ((mapped) => mapped);
    this.#fetch =
      cfg.connectTimeoutMs !== undefined ? createHttpFetch({ connectTimeoutMs: cfg.connectTimeoutMs }) : undefined;
    this.#client =
      platform?.client ??
      new GoogleGenAI({
        apiKey: cfg.apiKey,
        // Explicit, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
        vertexai: false,
        // No retryOptions: @google/genai retries only when given them.
        httpOptions: {
          baseUrl: cfg.baseURL,
          timeout: SDK_TIMEOUT_MS,
          ...(cfg.headers ? { headers: cfg.headers } : {}),
        },
      });
  }

  async chat(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
    const capture = new ResponseCapture(this.#fetch);
    try {
      const response = await this.#client.models.generateContent(toGeminiParams(req, callConfig(signal, capture)));
      return { ...fromGeminiResponse(response, req.model), headers: headersOf(response, capture) };
    } catch (err) {
      throw signal.aborted
        ? abortedError(this.id, err)
        : this.#refine(geminiUpstreamError(err, this.#apiKey, capture, false, this.id), err);
    }
  }

  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderStreamEvent> {
    const capture = new ResponseCapture(this.#fetch);
    return runStream<GenerateContentResponse>({
      provider: this.id,
      signal,
      accumulator: new GeminiStreamAccumulator(req.model),
      open: async () => {
        const events = await this.#client.models.generateContentStream(
          toGeminiParams(req, callConfig(signal, capture)),
        );
        return { events, headers: capture.headers };
      },
      toError: (err, started) => this.#refine(geminiUpstreamError(err, this.#apiKey, capture, started, this.id), err),
    });
  }
}

/** sdkHttpResponse is the SDK's own view of the headers; the capture is the fallback. */
function headersOf(response: GenerateContentResponse, capture: ResponseCapture): Record<string, string> {
  const fromSdk = response.sdkHttpResponse?.headers;
  return fromSdk ? lowerCaseHeaders(fromSdk) : capture.headers;
}
