import type { GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import { GoogleGenAI } from '@google/genai';
import { abortedError } from '../commonErrors';
import { lowerCaseHeaders } from '../headers';
import { createHttpFetch, type FetchFn } from '../httpFetch';
import { SDK_TIMEOUT_MS } from '../sdkTimeout';
import { runStream } from '../streamRunner';
import type { ProviderAdapter, ProviderConfig, ProviderRequest, ProviderResponse, ProviderStreamEvent } from '../types';
import { geminiUpstreamError } from './geminiError';
import { toGeminiParams } from './geminiRequest';
import { GeminiStreamAccumulator } from './geminiStream';
import { geminiFunctionCalls, geminiStopReason, geminiText } from './geminiText';
import { fromGeminiUsage } from './geminiUsage';
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

export class GeminiAdapter implements ProviderAdapter {
  readonly id = 'gemini' as const;
  readonly #client: GoogleGenAI;
  readonly #apiKey: string;
  readonly #fetch: FetchFn | undefined;

  constructor(cfg: ProviderConfig) {
    this.#apiKey = cfg.apiKey;
    this.#fetch = cfg.connectTimeoutMs !== undefined ? createHttpFetch({ connectTimeoutMs: cfg.connectTimeoutMs }) : undefined;
    this.#client = new GoogleGenAI({
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
      const toolCalls = geminiFunctionCalls(response);
      return {
        text: geminiText(response),
        ...(toolCalls.length ? { toolCalls } : {}),
        model: response.modelVersion ?? req.model,
        usage: fromGeminiUsage(response.usageMetadata),
        stopReason: geminiStopReason(response),
        ...(response.responseId !== undefined ? { responseId: response.responseId } : {}),
        headers: headersOf(response, capture),
      };
    } catch (err) {
      throw signal.aborted ? abortedError(this.id, err) : geminiUpstreamError(err, this.#apiKey, capture);
    }
  }

  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderStreamEvent> {
    const capture = new ResponseCapture(this.#fetch);
    return runStream<GenerateContentResponse>({
      provider: this.id,
      signal,
      accumulator: new GeminiStreamAccumulator(req.model),
      open: async () => {
        const events = await this.#client.models.generateContentStream(toGeminiParams(req, callConfig(signal, capture)));
        return { events, headers: capture.headers };
      },
      toError: (err, started) => geminiUpstreamError(err, this.#apiKey, capture, started),
    });
  }
}

/** sdkHttpResponse is the SDK's own view of the headers; the capture is the fallback. */
function headersOf(response: GenerateContentResponse, capture: ResponseCapture): Record<string, string> {
  const fromSdk = response.sdkHttpResponse?.headers;
  return fromSdk ? lowerCaseHeaders(fromSdk) : capture.headers;
}
