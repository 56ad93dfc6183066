import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { CacheKind, ClientKind, Priority, ProviderId, Tier } from './chat';
import type { ConduitErrorData, ErrorCode } from './errors';

/** One ledger row: one logical request, as recorded when it ended. */
export interface UsageRow {
  requestId: string;
  /** When the request arrived, ms since the epoch. Grouping by day uses this time. */
  startedAt: number;
  client: ClientKind;
  feature: string;
  priority: Priority;
  provider: ProviderId | null;
  model: string | null;
  tier: Tier | null;
  experimentArm: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** USD; null when the model's price was unknown. */
  /** What was spent: 0 for a cache hit. */
  costUsd: number | null;
  /** What a cache hit would have cost upstream; 0 otherwise. */
  costSavedUsd: number;
  costEstimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  attempts: number;
  errorCode: ErrorCode | null;
  httpStatus: number | null;
  fallbackPath: string[];
  cache: CacheKind;
  coalesced: boolean;
  stream: boolean;
  profile: string;
  /** Redacted prompt and response; only when sampling was on and the export asked for samples. */
  sample: { prompt: string; response: string } | null;
  /** True for a request sent through a provider's Batch API, priced at its batch rate. */
  batch?: boolean;
  /** The calling tool (User-Agent or x-conduit-client), for requests through the local HTTP endpoint. */
  clientName?: string;
}

/** `hour` keys are YYYY-MM-DDTHH at the client's offset (the panel's day by the hour). */
export type UsageGroupBy = 'day' | 'month' | 'feature' | 'model' | 'provider' | 'hour';

export interface UsageFilters {
  feature?: string;
  provider?: ProviderId;
  model?: string;
  client?: ClientKind;
}

export interface UsageQueryParams {
  /** ms since the epoch, inclusive. */
  since: number;
  /** ms since the epoch, exclusive; now when absent. */
  until?: number;
  groupBy?: UsageGroupBy;
  filters?: UsageFilters;
  /**
   * The client's offset from UTC in minutes (east positive, e.g. 60 for CET), so that "day" and
   * "month" follow the user's calendar. The daemon's own offset when absent.
   */
  utcOffsetMinutes?: number;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface UsageGroup {
  /** The day (YYYY-MM-DD), month (YYYY-MM), feature, model or provider; "(none)" for a missing one. */
  key: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Sum over the requests with a known price. */
  costUsd: number;
  /** Requests whose cost is an estimate. */
  estimatedCostRequests: number;
  /** Requests whose model had no known price (not in costUsd). */
  unpricedRequests: number;
  /** Requests answered from Conduit's cache (exact, semantic or stale). */
  cacheHits: number;
  /** What the cached requests would have cost upstream. */
  cacheSavedUsd: number;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
}

export interface LedgerStatus {
  file: string;
  state: 'opening' | 'ok' | 'degraded' | 'closed';
  /** Why requests are not being recorded, and what to do; null when all is well. */
  degraded: string | null;
  /** Requests that ended without a ledger row since the daemon started. */
  unrecorded: number;
  /** While an older ledger's rows are added to the rollups at start: rows done of total. */
  rollupMigration?: { done: number; total: number } | null;
}

export interface UsageQueryResult {
  since: number;
  until: number;
  groupBy: UsageGroupBy;
  groups: UsageGroup[];
  total: UsageGroup;
  errorsByCode: Record<string, number>;
  errorsByStatus: Record<string, number>;
  ledger: LedgerStatus;
  /** Where the figures came from, when not all from raw rows (docs/usage-at-scale.md). */
  sources?: UsageSources;
}

/** How a usage answer was computed: rollups, raw rows, or both. */
export interface UsageSources {
  /** Raw rows before this time were deleted (usage.retentionDays); older figures are hourly totals. */
  rawSince: number | null;
  /** An edge of the range fell where raw rows are gone, and was answered by its whole hour. */
  roundedToHour: boolean;
  /** The rollups of an older ledger are still being built; this answer was read from the raw rows. */
  migrating: boolean;
}

export interface UsageExportParams {
  since: number;
  until?: number;
  filters?: UsageFilters;
  /** Page size; the daemon caps it. */
  limit?: number;
  /** Continue after this cursor, from the previous page's `next`. */
  after?: number;
  /** Include the redacted prompt/response samples. */
  includeSamples?: boolean;
  /** "csv": the page comes as `csv` text (no header), built by the daemon; `rows` is then empty. */
  format?: 'rows' | 'csv';
}

export interface UsageExportResult {
  rows: UsageRow[];
  /** The page as CSV lines, when the request asked for format "csv", and how many rows they hold. */
  csv?: string;
  csvRows?: number;
  /** Pass as `after` for the next page; null when this was the last. */
  next: number | null;
}

/**
 * `usage/exportFile`: the daemon writes the CSV itself, header and every page, to `file` (an
 * absolute path on this machine; written to `file.partial` and renamed at the end, mode 0600),
 * so the rows never cross IPC. The CLI's `usage export --csv FILE`; `-` still pages over IPC.
 */
export interface UsageExportFileParams {
  file: string;
  since: number;
  until?: number;
  filters?: UsageFilters;
  includeSamples?: boolean;
}

export interface UsageExportFileResult {
  file: string;
  rows: number;
}

export type MetricsWindow = '1h' | '24h' | '7d';

export interface LatencyBreakdownRow {
  dimension: 'provider' | 'model' | 'feature';
  key: string;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
}

export interface UsageMetricsResult {
  windows: Record<MetricsWindow, LatencyBreakdownRow[]>;
  ledger: LedgerStatus;
}

export interface LiveWindowSummary {
  windowMs: number;
  requests: number;
  errors: number;
  costUsd: number;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
}

/** In-memory figures for the last minutes, kept even when the ledger cannot write. */
export interface UsageLiveResult {
  windows: LiveWindowSummary[];
  ledger: LedgerStatus;
}

export type AlertKind =
  | 'error_rate'
  | 'latency_p95'
  | 'cost_spike'
  | 'rate_limited'
  | 'queueing'
  | 'cache_hit_drop'
  | 'ledger_degraded'
  | 'key_rejected'
  | 'budget'
  | 'model_deprecated'
  | 'team_redis'
  | 'model_unpriced'
  /** config.json has settings that could not be used (their defaults apply) or should change. */
  | 'config_invalid';

export interface Alert {
  /** Stable per condition, so repeats of the same condition are one alert. */
  id: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  message: string;
  value: number;
  threshold: number;
  /** When this episode began. */
  firedAt: number;
  /** When it was last sent to clients; repeats wait for the cooldown. */
  lastSentAt: number;
  /** When the condition went away; null while it is active. */
  clearedAt: number | null;
}

export interface AlertEvent {
  /** `repeated`: still firing after the cooldown. */
  type: 'fired' | 'repeated' | 'cleared';
  alert: Alert;
}

export interface AlertsListResult {
  active: Alert[];
  /** Cleared alerts, newest first. */
  recent: Alert[];
  ledger: LedgerStatus;
}

export const UsageQueryRequest = {
  method: 'usage/query',
  type: new RequestType<UsageQueryParams, UsageQueryResult, ConduitErrorData>('usage/query'),
} as const;

export const UsageExportRequest = {
  method: 'usage/export',
  type: new RequestType<UsageExportParams, UsageExportResult, ConduitErrorData>('usage/export'),
} as const;

export const UsageExportFileRequest = {
  method: 'usage/exportFile',
  type: new RequestType<UsageExportFileParams, UsageExportFileResult, ConduitErrorData>('usage/exportFile'),
} as const;

export const UsageMetricsRequest = {
  method: 'usage/metrics',
  type: new RequestType<{ filters?: UsageFilters }, UsageMetricsResult, ConduitErrorData>('usage/metrics'),
} as const;

export const UsageLiveRequest = {
  method: 'usage/live',
  type: new RequestType<Record<string, never>, UsageLiveResult, ConduitErrorData>('usage/live'),
} as const;

export const AlertsListRequest = {
  method: 'alerts/list',
  type: new RequestType<Record<string, never>, AlertsListResult, ConduitErrorData>('alerts/list'),
} as const;

/** Sent to every client when an alert fires, repeats after its cooldown, or clears. */
export const AlertsRaisedNotification = {
  method: 'alerts/raised',
  type: new NotificationType<AlertEvent>('alerts/raised'),
} as const;

export interface UsageBreakdownParams {
  /** ms since the epoch, inclusive. */
  since: number;
  /** ms since the epoch, exclusive; now when absent. */
  until?: number;
  filters?: UsageFilters;
  /** As in `usage/query`: the client's offset from UTC in minutes, for the calendar day. */
  utcOffsetMinutes?: number;
  /** `hour`: cells per hour of the day too (their `hour` key); `day` (the default) per calendar day. */
  groupBy?: 'day' | 'hour';
}

/** The requests of one calendar day for one provider, model and feature. */
export interface UsageBreakdownCell {
  /** YYYY-MM-DD at the client's offset. */
  day: string;
  /** YYYY-MM-DDTHH at the client's offset, when asked for by the hour. */
  hour?: string;
  /** "(none)" for a missing one, as in usage groups. */
  provider: string;
  model: string;
  feature: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over the requests with a known price. */
  costUsd: number;
  cacheHits: number;
  cacheSavedUsd: number;
}

export interface UsageBreakdownResult {
  since: number;
  until: number;
  /** Only the combinations that had requests, ordered by day. */
  cells: UsageBreakdownCell[];
  ledger: LedgerStatus;
}

/**
 * `usage/breakdown`: day × provider × model × feature sums in one pass, for charts stacked by
 * one dimension and filtered by another without a query per series.
 */
export const UsageBreakdownRequest = {
  method: 'usage/breakdown',
  type: new RequestType<UsageBreakdownParams, UsageBreakdownResult, ConduitErrorData>('usage/breakdown'),
} as const;
