import { GoogleGenAI, JobState, type BatchJob, type InlinedRequest } from '@google/genai';
import { geminiUpstreamError } from '../providers/gemini/geminiError';
import { toGeminiParams } from '../providers/gemini/geminiRequest';
import { fromGeminiResponse } from '../providers/gemini/geminiAnswer';
import { ResponseCapture } from '../providers/gemini/responseCapture';
import { SDK_TIMEOUT_MS } from '../providers/sdkTimeout';
import type { ProviderConfig } from '../providers/types';
import type { BatchEntry, BatchItemKey, BatchOutcome, BatchProvider, BatchRemoteStatus } from './batchTypes';
import { erroredOutcome, unprocessedOutcome } from './itemError';

/** The metadata key that carries each request's custom id through the batch and back. */
const ID_KEY = 'conduit_custom_id';

/** Gemini batch mode with inlined requests: create, then get until the job ends; the responses come inline. */
export class GeminiBatch implements BatchProvider {
  readonly id = 'gemini' as const;
  readonly #client: GoogleGenAI;
  readonly #apiKey: string;

  constructor(cfg: ProviderConfig) {
    this.#apiKey = cfg.apiKey;
    this.#client = new GoogleGenAI({
      apiKey: cfg.apiKey,
      vertexai: false,
      httpOptions: { baseUrl: cfg.baseURL, timeout: SDK_TIMEOUT_MS, ...(cfg.headers ? { headers: cfg.headers } : {}) },
    });
  }

  async submit(entries: readonly BatchEntry[], model: string, signal?: AbortSignal): Promise<string> {
    const capture = new ResponseCapture();
    const src: InlinedRequest[] = entries.map((e) => {
      const params = toGeminiParams(e.providerRequest, {});
      return {
        contents: params.contents,
        ...(params.config ? { config: params.config } : {}),
        metadata: { [ID_KEY]: e.customId },
      };
    });
    try {
      const job = await this.#client.batches.create({
        model,
        src,
        config: {
          displayName: `conduit-${entries.length}`,
          httpOptions: { fetch: capture.fetch },
          ...(signal ? { abortSignal: signal } : {}),
        },
      });
      if (!job.name) throw new Error('Gemini created the batch without naming it.');
      return job.name;
    } catch (err) {
      throw geminiUpstreamError(err, this.#apiKey, capture);
    }
  }

  async status(providerBatchId: string, signal?: AbortSignal): Promise<BatchRemoteStatus> {
    const state = (await this.get(providerBatchId, signal)).state ?? JobState.JOB_STATE_UNSPECIFIED;
    switch (state) {
      case JobState.JOB_STATE_SUCCEEDED:
        return { state: 'ended', providerStatus: state };
      case JobState.JOB_STATE_CANCELLED:
        return { state: 'ended', providerStatus: state, unfinished: 'canceled' };
      case JobState.JOB_STATE_EXPIRED:
        return { state: 'expired', providerStatus: state };
      case JobState.JOB_STATE_FAILED:
        return { state: 'failed', providerStatus: state, message: 'Gemini failed the batch.' };
      default:
        return { state: 'in_progress', providerStatus: state };
    }
  }

  /** Gemini answers a cancel with an empty body; the job's state says CANCELLED once it took. */
  async cancel(providerBatchId: string, signal?: AbortSignal): Promise<string | null> {
    const capture = new ResponseCapture();
    try {
      await this.#client.batches.cancel({
        name: providerBatchId,
        config: { httpOptions: { fetch: capture.fetch }, ...(signal ? { abortSignal: signal } : {}) },
      });
    } catch (err) {
      throw geminiUpstreamError(err, this.#apiKey, capture);
    }
    return null;
  }

  async *results(
    providerBatchId: string,
    items: readonly BatchItemKey[],
    signal?: AbortSignal,
  ): AsyncIterable<BatchOutcome> {
    const job = await this.get(providerBatchId, signal);
    const responses = job.dest?.inlinedResponses ?? [];
    // A response with neither answer nor error is a request the job never reached before it ended.
    const unfinished = job.state === JobState.JOB_STATE_CANCELLED ? 'canceled' : 'expired';
    for (const [index, r] of responses.entries()) {
      // Gemini answers in request order. Its reference says each response carries the request's
      // metadata back, but in practice it often does not, so the order is the fallback.
      const customId = r.metadata?.[ID_KEY] ?? items[index]?.customId;
      if (customId === undefined) continue;
      if (r.response) {
        yield {
          customId,
          state: 'succeeded',
          ...fromGeminiResponse(r.response, job.model?.replace(/^models\//, '') ?? ''),
        };
      } else if (r.error) {
        const e = r.error as { code?: number; message?: string; status?: string };
        yield erroredOutcome('gemini', customId, {
          ...(e.code !== undefined ? { status: e.code } : {}),
          ...(e.status ? { type: e.status } : {}),
          message: e.message ?? 'the request failed inside the batch',
        });
      } else {
        yield unprocessedOutcome(customId, unfinished);
      }
    }
  }

  private async get(name: string, signal?: AbortSignal): Promise<BatchJob> {
    const capture = new ResponseCapture();
    try {
      return await this.#client.batches.get({
        name,
        config: { httpOptions: { fetch: capture.fetch }, ...(signal ? { abortSignal: signal } : {}) },
      });
    } catch (err) {
      throw geminiUpstreamError(err, this.#apiKey, capture);
    }
  }
}
