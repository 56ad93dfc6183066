import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { abortedError } from '../commonErrors';
import { lowerCaseHeaders } from '../headers';
import { stainlessClientOptions } from '../sdkClientOptions';
import { runStream } from '../streamRunner';
import type { ProviderAdapter, ProviderConfig, ProviderRequest, ProviderResponse, ProviderStreamEvent } from '../types';
import type { OpenAIChatOptions } from './openaiChatOptions';
import { fromOpenAICompletion } from './openaiAnswer';
import { openaiUpstreamError } from './openaiError';
import { toOpenAIParams } from './openaiRequest';
import { OpenAIStreamAccumulator } from './openaiStream';

/** Chat Completions through the openai SDK, for OpenAI and for the servers that copy its API. */
export class OpenAIChatAdapter implements ProviderAdapter {
  readonly id: OpenAIChatOptions['id'];
  readonly #client: OpenAI;
  readonly #apiKey: string;
  readonly #options: OpenAIChatOptions;

  /** `client` is an already-built one (Azure's), or the key the SDK gets in place of cfg.apiKey. */
  constructor(cfg: ProviderConfig, options: OpenAIChatOptions, client: OpenAI | string = cfg.apiKey) {
    this.id = options.id;
    this.#options = options;
    this.#apiKey = cfg.apiKey;
    const apiKeyForSdk = typeof client === 'string' ? client : cfg.apiKey;
    this.#client =
      typeof client !== 'string'
        ? client
        : new OpenAI({
            apiKey: apiKeyForSdk,
            baseURL: cfg.baseURL,
            // Conduit's resilience layer owns retries and timeouts.
            ...stainlessClientOptions(cfg),
            // Explicit nulls, so OPENAI_ORG_ID and friends in the daemon's environment never leak into
            // requests, least of all to a third-party compatible server.
            organization: null,
            project: null,
            adminAPIKey: null,
          });
  }

  async chat(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
    try {
      const { data, response } = await this.#client.chat.completions
        .create({ ...toOpenAIParams(req, this.#options), stream: false }, { signal })
        .withResponse();
      return { ...fromOpenAICompletion(data), headers: lowerCaseHeaders(response.headers) };
    } catch (err) {
      throw signal.aborted ? abortedError(this.id, err) : openaiUpstreamError(this.id, err, this.#apiKey);
    }
  }

  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderStreamEvent> {
    return runStream<ChatCompletionChunk>({
      provider: this.id,
      signal,
      accumulator: new OpenAIStreamAccumulator(req.model, this.#options.requireUsageChunk),
      open: async () => {
        const { data, response } = await this.#client.chat.completions
          .create(
            { ...toOpenAIParams(req, this.#options), stream: true, stream_options: { include_usage: true } },
            { signal },
          )
          .withResponse();
        return { events: data, headers: lowerCaseHeaders(response.headers) };
      },
      toError: (err, started) => openaiUpstreamError(this.id, err, this.#apiKey, started),
    });
  }
}
