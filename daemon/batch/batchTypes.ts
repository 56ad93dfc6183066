import type { BatchProviderId, ChatRequest, ErrorCode, ToolCall, Usage } from '../../protocol';
import type { ProviderRequest } from '../providers/types';

/** One validated line of a batch: what a live call would have sent, and the id that matches its result. */
export interface BatchEntry {
  customId: string;
  /** 1-based line of the submitted file. */
  line: number;
  feature: string;
  request: ChatRequest;
  /** Already fitted to the model's rules (planRequest), as withCapabilities fits a live call. */
  providerRequest: ProviderRequest;
  /** What reading the answer needs, kept per item in batch.db (the prompt is not). */
  answer?: BatchAnswerKey;
}

/**
 * What a live call knows from its request when it reads the answer: the name of the response
 * schema (Anthropic's stand-in tool carries it, and its input is the answer, not a tool call) and
 * the property a wrapped schema's answer comes back in.
 */
export interface BatchAnswerKey {
  schemaTool?: string;
  wrapKey?: string;
}

/** One request of a submitted batch, in submission order, with what reading its answer needs. */
export interface BatchItemKey extends BatchAnswerKey {
  customId: string;
}

/** The provider's view of a whole batch. */
export interface BatchRemoteStatus {
  /** `ended` covers every way processing finished with results to read, cancelled included. */
  state: 'in_progress' | 'ended' | 'expired' | 'failed';
  /** The provider's own word for it, for `conduit batch status`. */
  providerStatus: string;
  /** Why, when the provider failed the whole batch. */
  message?: string;
  /** What a request without a result became: the batch expired (default) or was cancelled. */
  unfinished?: 'expired' | 'canceled';
}

/** One request's result, matched by custom id. */
export type BatchOutcome =
  | {
      customId: string;
      state: 'succeeded';
      text: string;
      model: string;
      usage: Usage;
      stopReason: string | null;
      responseId?: string;
      toolCalls?: ToolCall[];
      /** The stop sequence the answer ended at, when the provider names it (Anthropic). */
      stopSequence?: string;
    }
  | {
      customId: string;
      state: 'errored' | 'expired' | 'canceled';
      errorCode: ErrorCode;
      message: string;
      httpStatus: number | null;
    };

/**
 * One provider's Batch API through its official SDK. Each module builds the body of every
 * request with the same mapping the live adapter uses, so a batch line is exactly the request a
 * live call would send.
 */
export interface BatchProvider {
  readonly id: BatchProviderId;
  submit(entries: readonly BatchEntry[], model: string, signal?: AbortSignal): Promise<string>;
  status(providerBatchId: string, signal?: AbortSignal): Promise<BatchRemoteStatus>;
  /** Asks the provider to stop the batch; it ends later, with the results that finished. Returns the provider's word for it, null when it says none. */
  cancel(providerBatchId: string, signal?: AbortSignal): Promise<string | null>;
  /**
   * `items` in submission order, for providers that answer in order rather than by id, each with
   * what its answer is read by (the schema tool). Unwrapping a wrapped schema is left to the caller.
   */
  results(providerBatchId: string, items: readonly BatchItemKey[], signal?: AbortSignal): AsyncIterable<BatchOutcome>;
}
