import Anthropic from '@anthropic-ai/sdk';
import type { ProviderId } from '../../../protocol';
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ToolCall } from '../../../protocol';
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
import { anthropicUpstreamError } from './anthropicError';
import { toAnthropicParams } from './anthropicRequest';
import { AnthropicStreamAccumulator } from './anthropicStream';
import { fromAnthropicUsage, withThinkingEstimate } from './anthropicUsage';

/**
 * The answer's text and tool calls. The tool standing in for a response schema is no tool call:
 * its input is the answer, as JSON text.
 */
export function answerOf(message: Message, schemaTool: string | undefined): { text: string; toolCalls: ToolCall[] } {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use' && block.name === schemaTool) text = JSON.stringify(block.input);
    else if (block.type === 'tool_use')
      toolCalls.push({ id: block.id, name: block.name, input: block.input as Record<string, unknown> });
  }
  return { text, toolCalls };
}

/** The answer's text alone (a batch result carries no request to name the schema tool). */
export function textOf(message: Message): string {
  return answerOf(message, undefined).text;
}

/** The characters of the answer a reader sees: text, and tool-call input as JSON. */
function visibleChars(message: Message): number {
  return message.content.reduce(
    (n, b) => n + (b.type === 'text' ? b.text.length : b.type === 'tool_use' ? JSON.stringify(b.input).length : 0),
    0,
  );
}

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
      const { text, toolCalls } = answerOf(data, req.responseSchema?.name);
      return {
        text,
        ...(toolCalls.length ? { toolCalls } : {}),
        model: data.model,
        usage: withThinkingEstimate(
          fromAnthropicUsage(data.usage),
          data.content.some((b) => b.type === 'thinking' || b.type === 'redacted_thinking'),
          visibleChars(data),
        ),
        stopReason: data.stop_reason,
        ...(data.stop_sequence ? { stopSequence: data.stop_sequence } : {}),
        responseId: data.id,
        headers: lowerCaseHeaders(response.headers),
      };
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
