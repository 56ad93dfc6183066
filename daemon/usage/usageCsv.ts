import type { UsageGroup, UsageRow } from '../../protocol/usage';

export type CsvCell = string | number | boolean | null;

/**
 * One CSV line (RFC 4180, CRLF-free: "\n" ends lines). Text that a spreadsheet would run as a
 * formula (=, +, -, @ first) gets a leading apostrophe; labels come from clients.
 */
export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',') + '\n';
}

function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell !== 'string') return String(cell);
  const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const ROW_CSV_HEADER = [
  'request_id',
  'started_at',
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
] as const;

export function rowCsvCells(r: UsageRow): CsvCell[] {
  return [
    r.requestId,
    new Date(r.startedAt).toISOString(),
    r.client,
    r.feature,
    r.priority,
    r.provider,
    r.model,
    r.tier,
    r.experimentArm,
    r.inputTokens,
    r.outputTokens,
    r.cacheReadTokens,
    r.cacheWriteTokens,
    r.reasoningTokens,
    r.costUsd,
    r.costSavedUsd,
    r.costEstimated,
    r.latencyMs,
    r.ttftMs,
    r.attempts,
    r.errorCode,
    r.httpStatus,
    JSON.stringify(r.fallbackPath),
    r.cache,
    r.coalesced,
    r.stream,
    r.profile,
    r.sample?.prompt ?? null,
    r.sample?.response ?? null,
    r.batch === true,
  ];
}

export const GROUP_CSV_HEADER = [
  'key',
  'requests',
  'errors',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'estimated_cost_requests',
  'unpriced_requests',
  'cache_hits',
  'cache_saved_usd',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'ttft_p50_ms',
  'ttft_p95_ms',
  'ttft_p99_ms',
] as const;

export function groupCsvCells(g: UsageGroup): CsvCell[] {
  return [
    g.key,
    g.requests,
    g.errors,
    g.inputTokens,
    g.outputTokens,
    g.cacheReadTokens,
    g.cacheWriteTokens,
    g.reasoningTokens,
    g.costUsd,
    g.estimatedCostRequests,
    g.unpricedRequests,
    g.cacheHits,
    g.cacheSavedUsd,
    g.latencyMs.p50,
    g.latencyMs.p95,
    g.latencyMs.p99,
    g.ttftMs.p50,
    g.ttftMs.p95,
    g.ttftMs.p99,
  ];
}
