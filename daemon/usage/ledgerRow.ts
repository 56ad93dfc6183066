import type { UsageRow } from '../../protocol/usage';
import { binOf } from './latencySketch';
import type { RequestRecord } from './requestRecord';
import type { SqlValue } from './sqlite';

/** The columns written for one record, in INSERT order. */
export const INSERT_COLUMNS = [
  'request_id',
  'started_at',
  'recorded_at',
  'client',
  'feature',
  'priority',
  'provider',
  'model',
  'tier',
  'experiment_arm',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'cost_saved_usd',
  'cost_estimated',
  'latency_ms',
  'ttft_ms',
  'attempts',
  'error_code',
  'http_status',
  'fallback_path',
  'cache',
  'coalesced',
  'stream',
  'profile',
  'sample_prompt',
  'sample_response',
  'batch',
  'batch_id',
  'latency_bin',
  'ttft_bin',
  'client_name',
] as const;

export const INSERT_SQL = `INSERT OR IGNORE INTO requests (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`;

/** Samples are text; the sketch bins exist only for the rollup trigger (rollupSchema.ts). */
const NOT_SELECTED = new Set<string>(['sample_prompt', 'sample_response', 'recorded_at', 'latency_bin', 'ttft_bin']);

/** Everything but the samples: what queries and metrics read. */
export const SELECT_COLUMNS = INSERT_COLUMNS.filter((c) => !NOT_SELECTED.has(c));

/** Labels come from clients; cap them so one odd request cannot bloat every query. */
const MAX_LABEL = 200;

/**
 * The bound parameters for one record. Prompt and response text is written only from
 * `record.sample`, which the caller has already redacted; no other field carries it.
 */
export function recordParams(record: RequestRecord, recordedAt: number): SqlValue[] {
  const u = record.usage;
  return [
    label(record.requestId, 500)!,
    int(record.startedAt),
    int(recordedAt),
    record.client,
    label(record.feature) ?? 'unknown',
    record.priority,
    record.provider,
    label(record.model),
    record.tier,
    label(record.experimentArm),
    int(u.input_tokens),
    int(u.output_tokens),
    int(u.cache_read_tokens),
    int(u.cache_write_tokens),
    int(u.reasoning_tokens),
    finiteOrNull(record.costUsd),
    finiteOrNull(record.costSavedUsd) ?? 0,
    record.costEstimated ? 1 : 0,
    finiteOrNull(record.latencyMs) ?? 0,
    finiteOrNull(record.ttftMs),
    int(record.attempts),
    record.errorCode,
    record.httpStatus === null ? null : int(record.httpStatus),
    JSON.stringify(record.fallbackPath.map((f) => label(f) ?? '')),
    record.cache,
    record.coalesced ? 1 : 0,
    record.stream ? 1 : 0,
    label(record.profile) ?? 'default',
    record.sample ? record.sample.prompt : null,
    record.sample ? record.sample.response : null,
    record.batchId ? 1 : 0,
    record.batchId ? label(record.batchId) : null,
    ...sketchBins(record),
    record.clientName ? label(record.clientName, 100) : null,
  ];
}

/** Latency and TTFT describe answers: a failure's bins are null, so the sketches skip it. */
function sketchBins(record: RequestRecord): [number | null, number | null] {
  if (record.errorCode !== null && record.errorCode !== 'cancelled') return [null, null];
  const ttft = finiteOrNull(record.ttftMs);
  return [binOf(finiteOrNull(record.latencyMs) ?? 0), ttft === null ? null : binOf(ttft)];
}

/** A row as SQLite returns it. */
export interface DbRow {
  id: number;
  request_id: string;
  started_at: number;
  client: string;
  feature: string;
  priority: string;
  provider: string | null;
  model: string | null;
  tier: string | null;
  experiment_arm: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  cost_saved_usd: number;
  cost_estimated: number;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: number;
  error_code: string | null;
  http_status: number | null;
  fallback_path: string;
  cache: string;
  coalesced: number;
  stream: number;
  profile: string;
  sample_prompt?: string | null;
  sample_response?: string | null;
  batch?: number;
  batch_id?: string | null;
  client_name?: string | null;
}

/** The database holds what this code wrote, so the string columns are cast back to their unions. */
export function toUsageRow(r: DbRow): UsageRow {
  return {
    requestId: r.request_id,
    startedAt: r.started_at,
    client: r.client as UsageRow['client'],
    feature: r.feature,
    priority: r.priority as UsageRow['priority'],
    provider: r.provider as UsageRow['provider'],
    model: r.model,
    tier: r.tier as UsageRow['tier'],
    experimentArm: r.experiment_arm,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cache_read_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    reasoningTokens: r.reasoning_tokens,
    costUsd: r.cost_usd,
    costSavedUsd: r.cost_saved_usd,
    costEstimated: r.cost_estimated === 1,
    latencyMs: r.latency_ms,
    ttftMs: r.ttft_ms,
    attempts: r.attempts,
    errorCode: r.error_code as UsageRow['errorCode'],
    httpStatus: r.http_status,
    fallbackPath: parseFallbackPath(r.fallback_path),
    cache: r.cache as UsageRow['cache'],
    coalesced: r.coalesced === 1,
    stream: r.stream === 1,
    profile: r.profile,
    sample:
      typeof r.sample_prompt === 'string' || typeof r.sample_response === 'string'
        ? { prompt: r.sample_prompt ?? '', response: r.sample_response ?? '' }
        : null,
    ...(r.batch === 1 ? { batch: true } : {}),
    ...(typeof r.client_name === 'string' ? { clientName: r.client_name } : {}),
  };
}

/** The in-memory form of a record, for the live window; the same shape queries return. */
export function recordToUsageRow(record: RequestRecord): UsageRow {
  const u = record.usage;
  return {
    requestId: record.requestId,
    startedAt: record.startedAt,
    client: record.client,
    feature: record.feature,
    priority: record.priority,
    provider: record.provider,
    model: record.model,
    tier: record.tier,
    experimentArm: record.experimentArm,
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheReadTokens: u.cache_read_tokens,
    cacheWriteTokens: u.cache_write_tokens,
    reasoningTokens: u.reasoning_tokens,
    costUsd: record.costUsd,
    costSavedUsd: record.costSavedUsd,
    costEstimated: record.costEstimated,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    attempts: record.attempts,
    errorCode: record.errorCode,
    httpStatus: record.httpStatus,
    fallbackPath: record.fallbackPath,
    cache: record.cache,
    coalesced: record.coalesced,
    stream: record.stream,
    profile: record.profile,
    // The live window is for figures; it never holds text.
    sample: null,
    ...(record.batchId ? { batch: true } : {}),
    ...(record.clientName ? { clientName: record.clientName } : {}),
  };
}

function parseFallbackPath(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function label(value: string | null, max = MAX_LABEL): string | null {
  return value === null ? null : value.slice(0, max);
}

function int(value: number): number {
  return Number.isFinite(value) ? Math.round(value) : 0;
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
