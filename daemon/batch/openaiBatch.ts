import OpenAI, { toFile } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { OPENAI_CHAT_OPTIONS } from '../providers/openai/openaiAdapter';
import { fromOpenAICompletion } from '../providers/openai/openaiAnswer';
import { openaiUpstreamError } from '../providers/openai/openaiError';
import { toOpenAIParams } from '../providers/openai/openaiRequest';
import { SDK_TIMEOUT_MS } from '../providers/sdkTimeout';
import type { ProviderConfig } from '../providers/types';
import type { BatchEntry, BatchItemKey, BatchOutcome, BatchProvider, BatchRemoteStatus } from './batchTypes';
import { erroredOutcome, unprocessedOutcome } from './itemError';

const ENDPOINT = '/v1/chat/completions';

/** One line of an OpenAI Batch output or error file. */
interface OutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string | null; message?: string | null } | null;
}

/** OpenAI Batch: upload the requests as a JSONL file, create the batch, poll, download the output and error files. */
export class OpenAIBatch implements BatchProvider {
  readonly id = 'openai' as const;
  readonly #client: OpenAI;
  readonly #apiKey: string;

  constructor(cfg: ProviderConfig) {
    this.#apiKey = cfg.apiKey;
    this.#client = new OpenAI({
      apiKey: cfg.apiKey,
      baseURL: cfg.baseURL,
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      organization: null,
      project: null,
      adminAPIKey: null,
      ...(cfg.headers ? { defaultHeaders: cfg.headers } : {}),
    });
  }

  async submit(entries: readonly BatchEntry[], _model: string, signal?: AbortSignal): Promise<string> {
    const jsonl = entries
      .map((e) =>
        JSON.stringify({
          custom_id: e.customId,
          method: 'POST',
          url: ENDPOINT,
          body: toOpenAIParams(e.providerRequest, OPENAI_CHAT_OPTIONS),
        }),
      )
      .join('\n');
    const opts = signal ? { signal } : {};
    try {
      const file = await this.#client.files.create(
        { file: await toFile(Buffer.from(jsonl, 'utf8'), 'conduit-batch.jsonl'), purpose: 'batch' },
        opts,
      );
      const batch = await this.#client.batches.create(
        { input_file_id: file.id, endpoint: ENDPOINT, completion_window: '24h' },
        opts,
      );
      return batch.id;
    } catch (err) {
      throw openaiUpstreamError('openai', err, this.#apiKey);
    }
  }

  async status(providerBatchId: string, signal?: AbortSignal): Promise<BatchRemoteStatus> {
    try {
      const batch = await this.#client.batches.retrieve(providerBatchId, signal ? { signal } : {});
      switch (batch.status) {
        case 'completed':
          return { state: 'ended', providerStatus: batch.status };
        case 'cancelled':
          return { state: 'ended', providerStatus: batch.status, unfinished: 'canceled' };
        case 'expired':
          return { state: 'expired', providerStatus: batch.status };
        case 'failed':
          return {
            state: 'failed',
            providerStatus: batch.status,
            message:
              batch.errors?.data
                ?.map((e) => `${e.line ? `line ${e.line}: ` : ''}${e.message ?? e.code ?? ''}`)
                .join('; ') || 'OpenAI failed the batch.',
          };
        default:
          return { state: 'in_progress', providerStatus: batch.status };
      }
    } catch (err) {
      throw openaiUpstreamError('openai', err, this.#apiKey);
    }
  }

  async cancel(providerBatchId: string, signal?: AbortSignal): Promise<string> {
    try {
      return (await this.#client.batches.cancel(providerBatchId, signal ? { signal } : {})).status;
    } catch (err) {
      throw openaiUpstreamError('openai', err, this.#apiKey);
    }
  }

  async *results(
    providerBatchId: string,
    _items: readonly BatchItemKey[],
    signal?: AbortSignal,
  ): AsyncIterable<BatchOutcome> {
    const opts = signal ? { signal } : {};
    let lines: OutputLine[];
    try {
      const batch = await this.#client.batches.retrieve(providerBatchId, opts);
      lines = [];
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        const text = await (await this.#client.files.content(fileId, opts)).text();
        for (const raw of text.split('\n')) if (raw.trim()) lines.push(JSON.parse(raw) as OutputLine);
      }
    } catch (err) {
      throw openaiUpstreamError('openai', err, this.#apiKey);
    }
    for (const line of lines) {
      const outcome = outcomeOf(line);
      if (outcome) yield outcome;
    }
  }
}

function outcomeOf(line: OutputLine): BatchOutcome | undefined {
  const customId = line.custom_id;
  if (typeof customId !== 'string') return undefined;
  const status = line.response?.status_code;
  if (line.response && status !== undefined && status >= 200 && status < 300) {
    return { customId, state: 'succeeded', ...fromOpenAICompletion(line.response.body as ChatCompletion) };
  }
  if (line.error?.code === 'batch_expired') return unprocessedOutcome(customId, 'expired');
  if (line.error?.code === 'batch_cancelled') return unprocessedOutcome(customId, 'canceled');
  const bodyError = (
    line.response?.body as { error?: { message?: string; type?: string; code?: string | null } } | undefined
  )?.error;
  return erroredOutcome('openai', customId, {
    ...(status !== undefined ? { status } : {}),
    ...(bodyError?.type ? { type: bodyError.type } : {}),
    ...((bodyError?.code ?? line.error?.code) ? { code: (bodyError?.code ?? line.error?.code)! } : {}),
    message: bodyError?.message ?? line.error?.message ?? 'the request failed inside the batch',
  });
}
