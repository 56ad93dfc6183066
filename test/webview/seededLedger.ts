import { breakdownCells } from '../../daemon/server/handlers/usageHandlers';
import { countErrors, groupRows, summarizeRows } from '../../daemon/usage/usageGroups';
import type { ErrorCode } from '../../protocol/errors';
import type { LedgerStatus, UsageQueryResult, UsageRow } from '../../protocol/usage';
import type { PanelFilters, PanelLive, PanelSnapshot } from '../../protocol/webview';

/**
 * A seeded ledger for the panel's browser tests: 30 days of rows from three providers and three
 * features, with errors, cache hits and a hostile row, turned into the panel's messages by the
 * daemon's own aggregation code (what `usage/query` and `usage/breakdown` answer).
 */

export const NOW = Date.UTC(2026, 2, 14, 15, 0, 0); // 14 March 2026, 15:00 UTC
export const OFFSET = 0;
export const CANARY = 'sk-ant-api03-CANARY-panel-0123456789abcdef';
export const HOSTILE_FEATURE = '<script>window.__pwned = "script"</script>';
export const HOSTILE_MODEL = `<img src=x onerror="window.__pwned = 'img'">`;

const MODELS = [
  { provider: 'anthropic', model: 'claude-sonnet-5-5' },
  { provider: 'openai', model: 'gpt-5.4-mini' },
  { provider: 'gemini', model: 'gemini-3.8-flash' },
] as const;
const FEATURES = ['ask', 'explain', 'commit'];
const LEDGER: LedgerStatus = { file: '/tmp/usage.db', state: 'ok', degraded: null, unrecorded: 0 };

function row(i: number, startedAt: number, over: Partial<UsageRow> = {}): UsageRow {
  const m = MODELS[i % 3]!;
  const cacheHit = i % 7 === 3;
  const error: ErrorCode | null = i % 11 === 5 ? 'rate_limited' : i % 17 === 9 ? 'server_error' : null;
  const cost = cacheHit || error ? 0 : Math.round((0.002 + (i % 5) * 0.0015) * 1e6) / 1e6;
  return {
    requestId: `req-${i}`,
    startedAt,
    client: 'vscode',
    feature: FEATURES[Math.floor(i / 3) % 3]!,
    priority: 'interactive',
    provider: m.provider,
    model: m.model,
    tier: 'moderate',
    experimentArm: null,
    inputTokens: cacheHit || error ? 0 : 400 + (i % 9) * 50,
    outputTokens: cacheHit || error ? 0 : 100 + (i % 4) * 25,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: cost,
    costSavedUsd: cacheHit ? 0.004 : 0,
    costEstimated: false,
    latencyMs: cacheHit ? 2 : 300 + (i % 13) * 40,
    ttftMs: cacheHit ? 1 : 120 + (i % 7) * 15,
    attempts: error ? 4 : cacheHit ? 0 : 1 + (i % 19 === 0 ? 1 : 0),
    errorCode: error,
    httpStatus: error === 'rate_limited' ? 429 : error ? 500 : 200,
    fallbackPath: i % 23 === 0 ? ['anthropic/claude-sonnet-5-5', 'openai/gpt-5.4-mini'] : [],
    cache: cacheHit ? 'exact' : 'none',
    coalesced: false,
    stream: true,
    profile: 'default',
    sample: null,
    ...over,
  };
}

/** 30 days back from NOW, 2 to 9 requests a day, plus the hostile row as the newest. */
export function seededRows(): UsageRow[] {
  const rows: UsageRow[] = [];
  let i = 0;
  for (let d = 29; d >= 0; d--) {
    const dayStart = Date.UTC(2026, 2, 14 - d);
    const n = 2 + ((d * 5) % 8);
    for (let k = 0; k < n; k++) {
      const t = dayStart + 3_600_000 + k * 1_800_000;
      if (t >= NOW) break;
      rows.push(row(i++, t));
    }
  }
  rows.push(
    row(i, NOW - 60_000, {
      feature: HOSTILE_FEATURE,
      model: HOSTILE_MODEL,
      provider: 'anthropic',
      requestId: 'req-hostile',
      errorCode: null,
      costUsd: 0.5,
      cache: 'none',
      fallbackPath: [CANARY],
      sample: { prompt: `my key is ${CANARY} <b>bold</b>`, response: 'ok' },
    }),
  );
  return rows;
}

function query(rows: UsageRow[], since: number, until: number): UsageQueryResult {
  const inRange = rows.filter((r) => r.startedAt >= since && r.startedAt < until);
  const errors = countErrors(inRange);
  return {
    since,
    until,
    groupBy: 'day',
    groups: groupRows(inRange, 'day', OFFSET),
    total: summarizeRows('total', inRange),
    errorsByCode: errors.byCode,
    errorsByStatus: errors.byStatus,
    ledger: LEDGER,
  };
}

export function seededSnapshot(
  rows = seededRows(),
  filters: PanelFilters = { range: '30d' },
  budgetSetting: unknown = { monthlyUsd: 5 },
): PanelSnapshot {
  const since = NOW - 30 * 86_400_000;
  const until = NOW + 1;
  const inRange = rows.filter((r) => r.startedAt >= since && r.startedAt < until);
  return {
    generatedAt: NOW,
    filters,
    utcOffsetMinutes: OFFSET,
    daily: query(rows, since, until),
    month: query(rows, Date.UTC(2026, 2, 1), until),
    breakdown: { since, until, cells: breakdownCells(inRange, OFFSET), ledger: LEDGER },
    recent: inRange.slice(-50).reverse(),
    budgetSetting,
  };
}

export function seededLive(): PanelLive {
  return {
    at: NOW,
    status: {
      circuits: [
        {
          key: 'openai/gpt-5.4-mini',
          state: 'open',
          failures: 5,
          windowRequests: 12,
          windowFailures: 7,
          openedAt: NOW - 10_000,
          nextProbeAt: NOW + 20_000,
          lastFailure: 'server_error: 500',
        },
        {
          key: 'anthropic/claude-sonnet-5-5',
          state: 'closed',
          failures: 0,
          windowRequests: 30,
          windowFailures: 0,
          openedAt: null,
          nextProbeAt: null,
          lastFailure: null,
        },
      ],
      rateLimits: [
        {
          provider: 'anthropic',
          keyId: 'k1a2b3',
          tier: 'tier1',
          buckets: [
            { kind: 'requests', limit: 50, remaining: 42, fullAt: NOW + 9_000 },
            { kind: 'input_tokens', limit: 30000, remaining: 27500, fullAt: NOW + 5_000 },
            { kind: 'output_tokens', limit: 8000, remaining: 8000, fullAt: null },
          ],
          queued: { interactive: 1, background: 2 },
          pausedUntil: null,
        },
      ],
      alerts: [],
      ledger: LEDGER,
      providers: [
        { id: 'anthropic', keySource: 'env', baseURL: 'http://127.0.0.1:1/', defaultModel: 'claude-sonnet-5-5' },
        { id: 'openai', keySource: 'keychain', baseURL: 'http://127.0.0.1:1/v1', defaultModel: 'gpt-5.4-mini' },
      ],
      requestsServed: 120,
      inFlight: 0,
    },
    live: {
      windows: [
        {
          windowMs: 300_000,
          requests: 10,
          errors: 1,
          costUsd: 0.02,
          latencyMs: { count: 9, p50: 300, p95: 500, p99: 600 },
          ttftMs: { count: 9, p50: 100, p95: 200, p99: 210 },
        },
      ],
      ledger: LEDGER,
    },
    alerts: {
      active: [
        {
          id: 'error_rate',
          kind: 'error_rate',
          severity: 'warning',
          message: 'Error rate 12 % over 15 minutes <script>window.__pwned="alert"</script>',
          value: 0.12,
          threshold: 0.05,
          firedAt: NOW - 120_000,
          lastSentAt: NOW - 120_000,
          clearedAt: null,
        },
      ],
      recent: [],
      ledger: LEDGER,
    },
  };
}

/** A new user's first panel: only today's rows, by the hour, as the extension sends it for `today`. */
export function seededTodaySnapshot(rows = seededRows()): PanelSnapshot {
  const since = Date.UTC(2026, 2, 14);
  const until = NOW + 1;
  const inRange = rows.filter((r) => r.startedAt >= since && r.startedAt < until);
  const cells = [];
  for (let h = since; h < until; h += 3_600_000) {
    const hour = new Date(h).toISOString().slice(0, 13);
    const mine = inRange.filter((r) => r.startedAt >= h && r.startedAt < h + 3_600_000);
    cells.push(...breakdownCells(mine, OFFSET).map((c) => ({ ...c, hour })));
  }
  return {
    generatedAt: NOW,
    filters: { range: 'today' },
    utcOffsetMinutes: OFFSET,
    daily: { ...query(rows, since, until), groupBy: 'hour', groups: groupRows(inRange, 'hour', OFFSET) },
    month: query(rows, Date.UTC(2026, 2, 1), until),
    breakdown: { since, until, cells, ledger: LEDGER },
    recent: inRange.slice(-50).reverse(),
    budgetSetting: undefined,
  };
}
