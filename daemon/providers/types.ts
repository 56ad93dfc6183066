import type {
  ChatMessage,
  ProviderId,
  ReasoningEffort,
  ResponseSchema,
  ToolCall,
  ToolCallDelta,
  ToolChoice,
  ToolDefinition,
  Usage,
} from '../../protocol';
import type { ResolvedCapabilities } from './capabilities/modelCapabilities';

/** A request after routing: the provider and model are decided. */
export interface ProviderRequest {
  model: string;
  messages: ChatMessage[];
  system?: string;
  maxTokens: number;
  temperature?: number;
  /** Anthropic: mark the system prompt for prompt caching (`cache_control: ephemeral`). */
  cacheSystem?: boolean;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Ask the provider for JSON of this schema in its native way. */
  responseSchema?: ResponseSchema;
  reasoningEffort?: ReasoningEffort;
  /** Stop sequences, already fitted to the model's rules by planRequest. */
  stop?: string[];
  /**
   * The served model's rules, set by withCapabilities from the model id the request was routed
   * to (before Azure swaps it for a deployment name); builders look them up when absent.
   */
  capabilities?: ResolvedCapabilities;
}

export interface ProviderResponse {
  text: string;
  model: string;
  usage: Usage;
  stopReason: string | null;
  responseId?: string;
  /** Response headers, lower-cased, for rate-limit headroom. */
  headers: Record<string, string>;
  toolCalls?: ToolCall[];
  /** What was changed so the model would take the request (see capabilities/requestPlan.ts). */
  adjusted?: string[];
  /** The stop sequence the answer ended at, when the provider says. */
  stopSequence?: string;
}

/** What a streaming adapter yields. `done` is always last on a stream that completed. */
export type ProviderStreamEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; delta: ToolCallDelta }
  | {
      type: 'done';
      model: string;
      usage: Usage;
      stopReason: string | null;
      responseId?: string;
      headers: Record<string, string>;
      toolCalls?: ToolCall[];
      adjusted?: string[];
      stopSequence?: string;
    };

/**
 * Where a cloud platform serves the model (Bedrock, Vertex AI, Azure OpenAI). Never credentials:
 * those come from the platform's own chain (AWS, Google ADC) or the keychain (Azure).
 */
export interface PlatformSettings {
  /** AWS region (Bedrock). */
  region?: string;
  /** Google Cloud project (Vertex AI). */
  project?: string;
  /** Google Cloud location, e.g. "global" or "us-east5" (Vertex AI). */
  location?: string;
  /** The API version the platform is called with (Azure's api-version, Vertex's v1/v1beta1). */
  apiVersion?: string;
  /** Azure: the deployment serving each model id, { "gpt-5.4-mini": "my-deployment" }. */
  deployments?: Record<string, string>;
}

export interface ProviderConfig {
  apiKey: string;
  baseURL: string;
  /** Extra headers a corporate proxy may need. */
  headers?: Record<string, string>;
  /** How long opening a connection may take; unset keeps the runtime's default. */
  connectTimeoutMs?: number;
  /** Cloud platform providers only. */
  platform?: PlatformSettings;
}

/**
 * One per provider. Adapters know the SDK and the wire format, and nothing of caching, limits or
 * retries: each builds its SDK client with retries off and reports failures as UpstreamError.
 */
export interface ProviderAdapter {
  readonly id: ProviderId;
  /**
   * Resolves once the adapter's code (its SDK) is loaded; never rejects (a failed load fails the
   * call itself, inside the retry policy). A request takes its rate-limit permit only after this,
   * so the first use's load never releases several permitted requests at once.
   */
  ready?(): Promise<void>;
  chat(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse>;
  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderStreamEvent>;
}

/** The facts of a failed upstream call; daemon/resilience classifies them into an ErrorCode. */
export interface UpstreamErrorInit {
  provider: ProviderId;
  message: string;
  /** HTTP status; absent for connection-level failures. */
  status?: number;
  /** Provider's error type/status string: `rate_limit_error`, `RESOURCE_EXHAUSTED`, … */
  providerType?: string;
  /** Provider's finer code: `insufficient_quota`, … */
  providerCode?: string;
  requestId?: string;
  /** Lower-cased response headers (retry-after, retry-after-ms, x-should-retry, …). */
  headers?: Record<string, string>;
  /** Gemini RetryInfo.retryDelay, in ms, when the body carried one. */
  retryDelayMs?: number;
  /** Gemini QuotaFailure present / other quota markers. */
  quotaFailure?: boolean;
  /** What kind of non-HTTP failure this was. */
  kind?: 'http' | 'connection' | 'timeout' | 'aborted' | 'truncated' | 'stream_error';
  /** Partial text when a stream failed midway. */
  partialText?: string;
  cause?: unknown;
}

export class UpstreamError extends Error {
  readonly provider: ProviderId;
  readonly status?: number;
  readonly providerType?: string;
  readonly providerCode?: string;
  readonly requestId?: string;
  readonly headers: Record<string, string>;
  readonly retryDelayMs?: number;
  readonly quotaFailure: boolean;
  readonly kind: NonNullable<UpstreamErrorInit['kind']>;
  partialText?: string;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'UpstreamError';
    this.provider = init.provider;
    this.status = init.status;
    this.providerType = init.providerType;
    this.providerCode = init.providerCode;
    this.requestId = init.requestId;
    this.headers = init.headers ?? {};
    this.retryDelayMs = init.retryDelayMs;
    this.quotaFailure = init.quotaFailure ?? false;
    this.kind = init.kind ?? (init.status !== undefined ? 'http' : 'connection');
    this.partialText = init.partialText;
  }
}
