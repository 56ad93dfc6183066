import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ConduitErrorData, ErrorCode } from './errors';
import type { ContentPart } from './content';
import type { RouteInfo } from './router';
import type { ReasoningEffort, ResponseSchema, ToolCall, ToolCallDelta, ToolChoice, ToolDefinition } from './tools';

export const ProviderIds = [
  'anthropic',
  'openai',
  'gemini',
  'openaiCompatible',
  'anthropicBedrock',
  'anthropicVertex',
  'geminiVertex',
  'azureOpenai',
] as const;
export type ProviderId = (typeof ProviderIds)[number];

export type Tier = 'simple' | 'moderate' | 'complex';
export type Priority = 'interactive' | 'background';
export type ClientKind = 'vscode' | 'cli' | 'other';

export interface ChatMessage {
  role: 'user' | 'assistant';
  /** Plain text, or parts for images and tool calls. */
  content: string | ContentPart[];
}

/** The canonical request: what a client asks for, before routing picks a provider and model. */
export interface ChatRequest {
  messages: ChatMessage[];
  system?: string;
  provider?: ProviderId;
  /** An explicit model always wins over routing. */
  model?: string;
  tier?: Tier;
  max_tokens?: number;
  temperature?: number;
  stream?: boolean;
  /** What the request is for, e.g. "ask" or "explain"; used for budgets, routing and metrics. */
  feature?: string;
  priority?: Priority;
  /** The key set to use ("dev", "prod"…); the daemon's configured profile when absent. */
  profile?: string;
  /** Ask for a JSON answer: the daemon checks it parses, asks once for a repair, then fails. */
  responseFormat?: 'json';
  /**
   * What A/B experiment assignment hashes; the canonical prompt when absent. A client that
   * retries an answer sends the same key, so the retry stays on the same arm.
   */
  experimentKey?: string;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** The answer must be JSON of this schema; implies the JSON check and its one repair. */
  responseSchema?: ResponseSchema;
  /**
   * Sent in the form the model documents: adaptive thinking with output_config.effort or a thinking
   * budget (Anthropic), reasoning_effort (OpenAI), thinkingLevel or thinkingBudget (Gemini). See
   * docs/providers.md; what had to change comes back in the result's `adjusted`.
   */
  reasoningEffort?: ReasoningEffort;
  /**
   * Stop sequences: the answer ends before the first of them and does not contain it. At most
   * 16, each 1 to 1,000 characters; a model documents its own most (OpenAI 4, Gemini 5), and a
   * model that takes none (GPT-5, o3, o4-mini) gets the request without them, noted in `adjusted`.
   */
  stop?: string[];
}

/** What the guard changed: kinds of secret or PII and how many of each. */
export interface GuardRedaction {
  kind: string;
  count: number;
}

/** Token counts on one basis for every provider. */
export interface Usage {
  /** The whole prompt, including the tokens read from or written to the prompt cache. */
  input_tokens: number;
  output_tokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cache_read_tokens: number;
  /** Input tokens written to the provider's prompt cache. */
  cache_write_tokens: number;
  /**
   * Of cache_write_tokens, those written with a 1-hour lifetime (Anthropic's
   * usage.cache_creation.ephemeral_1h_input_tokens), billed at their own price; absent means none.
   */
  cache_write_1h_tokens?: number;
  /** Output tokens spent on reasoning (already included in output_tokens). */
  reasoning_tokens: number;
}

export type CacheKind = 'none' | 'exact' | 'semantic' | 'stale';

export interface AttemptRecord {
  provider: ProviderId;
  model: string;
  /** Error code when the attempt failed; absent when it succeeded. */
  error?: string;
  status?: number;
  /** How long we waited before this attempt, in ms. */
  delayMs: number;
  durationMs: number;
}

export interface ChatResult {
  /** The id the client gave the request; chunks carry it too. */
  requestId: string;
  text: string;
  provider: ProviderId;
  model: string;
  usage: Usage;
  /** Why generation stopped, in the provider's words (e.g. "end_turn", "stop", "STOP"). */
  stopReason: string | null;
  latencyMs: number;
  /** Time to first token; null for non-streamed calls. */
  ttftMs: number | null;
  attempts: number;
  attemptLog: AttemptRecord[];
  cache: CacheKind;
  /**
   * The fallbacks taken, in order: "provider/model", "stale-cache" or "simplified"; a target that
   * could not take the request (context window, image limits) as "skipped provider/model: why".
   */
  fallbacks: string[];
  /**
   * Set on the simplified answer given when every provider failed: its text is Conduit's, not a
   * model's, and this says why.
   */
  degraded?: { code: ErrorCode; message: string };
  /**
   * USD, from provider-reported usage; for a model without a known price, at its provider's
   * dearest prices (then costAssumedFrom names that model); null when no price can be stated.
   */
  costUsd?: number | null;
  /** Set when costUsd is at assumed prices: the dearest model of the provider they come from. */
  costAssumedFrom?: string;
  /** The provider's response id, when it gave one. */
  responseId?: string;
  /**
   * What the guard did: `redacted` lists what was removed from the prompt before it was sent,
   * `outputRedacted` what was removed from the answer, `repaired` that a JSON answer needed a
   * second try.
   */
  guard?: { redacted: GuardRedaction[]; outputRedacted?: GuardRedaction[]; repaired?: boolean };
  /** For a semantic hit: how close the cached prompt was (cosine) and the prompt it answered. */
  cacheMatch?: { similarity: number; prompt: string };
  /**
   * For an answer from the cache (exact, semantic or stale): what it cost when it was first
   * fetched. Such an answer bills nothing: its usage is zero and `costUsd` is 0.
   */
  costSavedUsd?: number | null;
  /** This request shared another identical request's upstream call, and bills nothing. */
  coalesced?: boolean;
  /** The routing decision: tier, why, the model it led to, the experiment arm. */
  route?: RouteInfo;
  /** Earlier context dropped to keep within the feature's context budget (never the last user message). */
  trimmed?: { droppedTokens: number; droppedMessages: number };
  /** The tool calls the model made; `stopReason` then says so in the provider's words. */
  toolCalls?: ToolCall[];
  /** For a request with `responseSchema`: the answer parsed and checked against it. */
  structured?: unknown;
  /** The request was over the routed model's context window and went to this larger one instead. */
  contextFallback?: { from: string; to: string };
  /**
   * What was changed so the model would take the request, one plain sentence each: a sampling
   * parameter it does not take dropped, an effort it names differently, a non-object schema
   * root wrapped (and the answer unwrapped), max_tokens lowered to its most output.
   */
  adjusted?: string[];
  /**
   * The stop sequence the answer ended at, when the provider names it (Anthropic's
   * `stop_sequence`; `stopReason` is then "stop_sequence"). OpenAI and Gemini report such an
   * end as an ordinary "stop"/"STOP" without saying which.
   */
  stopSequence?: string;
}

export interface ChatSendParams {
  /** Chosen by the client so that it can match `chat/chunk` notifications before the reply. */
  requestId: string;
  request: ChatRequest;
}

/** A piece of streamed text. Sent only for requests with `stream: true`. */
export interface ChatChunk {
  requestId: string;
  /** Sequence number from 0, so a client can prove nothing was lost or reordered. */
  seq: number;
  delta: string;
  /** Set on a tool-call piece, whose `delta` is then ''. */
  toolCall?: ToolCallDelta;
}

export const ChatSendRequest = {
  method: 'chat/send',
  type: new RequestType<ChatSendParams, ChatResult, ConduitErrorData>('chat/send'),
} as const;

export const ChatChunkNotification = {
  method: 'chat/chunk',
  type: new NotificationType<ChatChunk>('chat/chunk'),
} as const;

export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };
}
