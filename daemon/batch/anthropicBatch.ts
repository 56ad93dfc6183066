import Anthropic from '@anthropic-ai/sdk';
import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { fromAnthropicMessage } from '../providers/anthropic/anthropicAnswer';
import { anthropicUpstreamError } from '../providers/anthropic/anthropicError';
import { toAnthropicParams } from '../providers/anthropic/anthropicRequest';
import { SDK_TIMEOUT_MS } from '../providers/sdkTimeout';
import type { ProviderConfig } from '../providers/types';
import type { BatchEntry, BatchItemKey, BatchOutcome, BatchProvider, BatchRemoteStatus } from './batchTypes';
import { erroredOutcome, unprocessedOutcome } from './itemError';

/** Anthropic Message Batches: create with every request inline, poll, stream the JSONL results. */
export class AnthropicBatch implements BatchProvider {
  readonly id = 'anthropic' as const;
  readonly #client: Anthropic;
  readonly #apiKey: string;

  constructor(cfg: ProviderConfig) {
    this.#apiKey = cfg.apiKey;
    this.#client = new Anthropic({
      apiKey: cfg.apiKey,
      baseURL: cfg.baseURL,
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      ...(cfg.headers ? { defaultHeaders: cfg.headers } : {}),
    });
  }

  async submit(entries: readonly BatchEntry[], _model: string, signal?: AbortSignal): Promise<string> {
    try {
      const batch = await this.#client.messages.batches.create(
        {
          requests: entries.map((e) => ({
            custom_id: e.customId,
            params: { ...toAnthropicParams(e.providerRequest), stream: false },
          })),
        },
        { ...(signal ? { signal } : {}) },
      );
      return batch.id;
    } catch (err) {
      throw anthropicUpstreamError(err, this.#apiKey);
    }
  }

  async status(providerBatchId: string, signal?: AbortSignal): Promise<BatchRemoteStatus> {
    try {
      const batch = await this.#client.messages.batches.retrieve(
        providerBatchId,
        {},
        { ...(signal ? { signal } : {}) },
      );
      // An ended batch holds every outcome, expired and cancelled requests included, in its results.
      return {
        state: batch.processing_status === 'ended' ? 'ended' : 'in_progress',
        providerStatus: batch.processing_status,
      };
    } catch (err) {
      throw anthropicUpstreamError(err, this.#apiKey);
    }
  }

  async cancel(providerBatchId: string, signal?: AbortSignal): Promise<string> {
    try {
      return (await this.#client.messages.batches.cancel(providerBatchId, {}, { ...(signal ? { signal } : {}) }))
        .processing_status;
    } catch (err) {
      throw anthropicUpstreamError(err, this.#apiKey);
    }
  }

  async *results(
    providerBatchId: string,
    items: readonly BatchItemKey[],
    signal?: AbortSignal,
  ): AsyncIterable<BatchOutcome> {
    const schemaTools = new Map(items.map((i) => [i.customId, i.schemaTool]));
    let decoder: AsyncIterable<MessageBatchIndividualResponse>;
    try {
      decoder = await this.#client.messages.batches.results(providerBatchId, {}, { ...(signal ? { signal } : {}) });
    } catch (err) {
      throw anthropicUpstreamError(err, this.#apiKey);
    }
    for await (const line of decoder) yield anthropicOutcome(line, schemaTools.get(line.custom_id));
  }
}

/** One line of the results, its message read as a live answer is (`schemaTool`: the request's response schema name). */
export function anthropicOutcome(line: MessageBatchIndividualResponse, schemaTool: string | undefined): BatchOutcome {
  const r = line.result;
  switch (r.type) {
    case 'succeeded':
      return { customId: line.custom_id, state: 'succeeded', ...fromAnthropicMessage(r.message, schemaTool) };
    case 'errored': {
      const e = r.error.error;
      return erroredOutcome('anthropic', line.custom_id, {
        type: e.type,
        message: e.message,
        ...(statusOfType(e.type) !== undefined ? { status: statusOfType(e.type)! } : {}),
      });
    }
    case 'expired':
    case 'canceled':
      return unprocessedOutcome(line.custom_id, r.type);
  }
}

/** Batch results carry the error type but not the status a live call would have had. */
function statusOfType(type: string): number | undefined {
  const statuses: Record<string, number> = {
    invalid_request_error: 400,
    authentication_error: 401,
    billing_error: 402,
    permission_error: 403,
    not_found_error: 404,
    request_too_large: 413,
    rate_limit_error: 429,
    api_error: 500,
    timeout_error: 504,
    overloaded_error: 529,
  };
  return statuses[type];
}
