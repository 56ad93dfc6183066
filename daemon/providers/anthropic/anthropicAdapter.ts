import Anthropic from '@anthropic-ai/sdk';
import type { ProviderId } from '../../../protocol';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { abortedError } from '../commonErrors';
import { lowerCaseHeaders } from '../headers';
import { stainlessClientOptions } from '../sdkClientOptions';
import { runStream } from '../streamRunner';
import type {
  ProviderAdapter,
  ProviderConfig,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
  UpstreamError,
} from '../types';
import { fromAnthropicMessage } from './anthropicAnswer';
import { anthropicUpstreamError } from './anthropicError';
import { toAnthropicParams } from './anthropicRequest';
import { AnthropicStreamAccumulator } from './anthropicStream';

/** What the adapter needs of a client: Anthropic's own, or the Bedrock or Vertex one. */
export interface AnthropicMessagesClient {
  messages: Pick<Anthropic['messages'], 'create'>;
}

/** Another platform serving the Messages API through its own SDK client. */
export interface AnthropicPlatform {
  id: ProviderId;
  /**
   * Builds the platform's client on first use, so that its SDK (Bedrock's pulls in the AWS SDK)
   * is loaded only by a daemon that uses the platform, not on every start.
   */
  client: () => Promise<AnthropicMessagesClient>;
  /** Adds what the platform's error shape says beyond Anthropic's (Bedrock's x-amzn-ErrorType…). */
  refineError?: (mapped: UpstreamError, raw: unknown) => UpstreamError;
}

export class AnthropicAdapter implements ProviderAdapter {
  readonly id: ProviderId;
  readonly #client: () => Promise<AnthropicMessagesClient> | AnthropicMessagesClient;
  readonly #apiKey: string;
  readonly #refine: NonNullable<AnthropicPlatform['refineError']>;

  constructor(cfg: ProviderConfig, platform?: AnthropicPlatform) {
    this.#apiKey = cfg.apiKey;
    this.id = platform?.id ?? 'anthropic';
    this.#refine = platform?.refineError ?? ((mapped) => mapped);
    if (platform) {
      let built: Promise<AnthropicMessagesClient> | undefined;
      // A failed build (a missing SDK) is tried again by the next request.
      this.#client = () =>
        (built ??= platform.client().catch((err: unknown) => {
          built = undefined;
          throw err;
        }));
      return;
    }
    const client = new Anthropic({
      apiKey: cfg.apiKey,
      baseURL: cfg.baseURL,
      // Conduit's resilience layer owns retries and timeouts.
      ...stainlessClientOptions(cfg),
    });
    this.#client = () => client;
  }

  async chat(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
    try {
      const { data, response } = await (
        await this.#client()
      ).messages
        .create({ ...toAnthropicParams(req), stream: false }, { signal })
        .withResponse();
      return { ...fromAnthropicMessage(data, req.responseSchema?.name), headers: lowerCaseHeaders(response.headers) };
    } catch (err) {
      throw signal.aborted ? abortedError(this.id, err) : this.#toError(err, false);
    }
  }

  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderStreamEvent> {
    return runStream<RawMessageStreamEvent>({
      provider: this.id,
      signal,
      accumulator: new AnthropicStreamAccumulator(req.model, req.responseSchema?.name),
      open: async () => {
        const { data, response } = await (
          await this.#client()
        ).messages
          .create({ ...toAnthropicParams(req), stream: true }, { signal })
          .withResponse();
        return { events: data, headers: lowerCaseHeaders(response.headers) };
      },
      toError: (err, started) => this.#toError(err, started),
    });
  }

  #toError(err: unknown, started: boolean): UpstreamError {
    return this.#refine(anthropicUpstreamError(err, this.#apiKey, started, this.id), err);
  }
}
