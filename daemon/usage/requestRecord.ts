import type { CacheKind, ClientKind, ErrorCode, Priority, ProviderId, Tier, Usage } from '../../protocol';

/**
 * One logical request, as the gateway reports it when the request ends, whatever happened.
 * The ledger stores exactly one row per record; the log writes one line per record.
 */
export interface RequestRecord {
  requestId: string;
  /** When the request arrived, ms since the epoch. */
  startedAt: number;
  client: ClientKind;
  /** The calling tool's name, for requests through the local HTTP endpoint. */
  clientName?: string;
  feature: string;
  priority: Priority;
  /** The provider and model that answered, or that were last tried when nothing answered. */
  provider: ProviderId | null;
  model: string | null;
  tier: Tier | null;
  experimentArm: string | null;
  usage: Usage;
  /** USD; null when the model's price is unknown. */
  costUsd: number | null;
  /** For a cache hit: what the request would have cost upstream. 0 otherwise. */
  costSavedUsd: number;
  /** True when the cost is an estimate (e.g. an interrupted stream without final usage). */
  costEstimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  attempts: number;
  /** Null on success. */
  errorCode: ErrorCode | null;
  httpStatus: number | null;
  /** The fallbacks taken, in order, e.g. ["openai/gpt-5.4-mini", "stale-cache"]. */
  fallbackPath: string[];
  cache: CacheKind;
  coalesced: boolean;
  stream: boolean;
  /** Key profile in use (the security issue adds profiles); "default" until then. */
  profile: string;
  /** Redacted prompt and response text; only when the user turned sampling on. */
  sample: { prompt: string; response: string } | null;
  /** Set for a request sent through a provider's Batch API: the Conduit batch job it came from. */
  batchId?: string;
}

/** Where the gateway sends finished requests. The ledger implements it. */
export interface RequestRecorder {
  /** Never throws: a full disk or a broken database marks the request unrecorded instead. */
  record(record: RequestRecord): Promise<{ recorded: boolean }>;
}
