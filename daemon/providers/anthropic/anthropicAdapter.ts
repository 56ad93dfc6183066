import Anthropic from '@anthropic-ai/sdk';
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ToolCall } from '../../../protocol';
import { abortedError } from '../commonErrors';
import { lowerCaseHeaders } from '../headers';
import { createHttpFetch } from '../httpFetch';
import { SDK_TIMEOUT_MS } from '../sdkTimeout';
import { runStream } from '../streamRunner';
import type { ProviderAdapter, ProviderConfig, ProviderRequest, ProviderResponse, ProviderStreamEvent } from '../types';
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
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, input: block.input as Record<string, unknown> });
  }
  return { text, toolCalls };
}

/** The answer's text alone (a batch result carries no request to name the schema tool). */
export function textOf(message: Message): string {
  return answerOf(message, undefined).text;
}

/** The characters of the answer a reader sees: text, and tool-call input as JSON. */
function visibleChars(message: Message): number {
  return message.content.reduce((n, b) => n + (b.type === 'text' ? b.text.length : b.type === 'tool_use' ? JSON.stringify(b.input).length : 0), 0);
}

export class AnthropicAdapter implements ProviderAdapter {
  readonly id = 'anthropic' as const;
  readonly #client: Anthropic;
  readonly #apiKey: string;

  constructor(cfg: ProviderConfig) {
    this.#apiKey = cfg.apiKey;
    this.#client = new Anthropic({
      apiKey: cfg.apiKey,
      baseURL: cfg.baseURL,
      // Conduit's resilience layer owns retries and timeouts.
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      ...(cfg.headers ? { defaultHeaders: cfg.headers } : {}),
      ...(cfg.connectTimeoutMs !== undefined ? { fetch: createHttpFetch({ connectTimeoutMs: cfg.connectTimeoutMs }) } : {}),
    });
  }

  async chat(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
    try {
      const { data, response } = await this.#client.messages
        .create({ ...toAnthropicParams(req), stream: false }, { signal })
        .withResponse();
      const { text, toolCalls } = answerOf(data, req.responseSchema?.name);
      return {
        text,
        ...(toolCalls.length ? { toolCalls } : {}),
        model: data.model,
        usage: withThinkingEstimate(fromAnthropicUsage(data.usage), data.content.some((b) => b.type === 'thinking' || b.type === 'redacted_thinking'), visibleChars(data)),
        stopReason: data.stop_reason,
        responseId: data.id,
        headers: lowerCaseHeaders(response.headers),
      };
    } catch (err) {
      throw signal.aborted ? abortedError(this.id, err) : anthropicUpstreamError(err, this.#apiKey);
    }
  }

  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderStreamEvent> {
    return runStream<RawMessageStreamEvent>({
      provider: this.id,
      signal,
      accumulator: new AnthropicStreamAccumulator(req.model, req.responseSchema?.name),
      open: async () => {
        const { data, response } = await this.#client.messages
          .create({ ...toAnthropicParams(req), stream: true }, { signal })
          .withResponse();
        return { events: data, headers: lowerCaseHeaders(response.headers) };
      },
      toError: (err, started) => anthropicUpstreamError(err, this.#apiKey, started),
    });
  }
}
