import type { StatusResult } from './daemon';
import type { TeamUsageResult } from './team';
import type {
  AlertEvent,
  AlertsListResult,
  UsageBreakdownResult,
  UsageLiveResult,
  UsageQueryResult,
  UsageRow,
} from './usage';

/**
 * The usage & cost panel's messages, extension <-> webview (postMessage). Type-only imports, so
 * the webview bundle pulls in nothing from vscode-jsonrpc.
 */

export const PanelRanges = ['today', '24h', '7d', '30d', '90d'] as const;
export type PanelRange = (typeof PanelRanges)[number];

/** Ranges drawn by the hour; the others by the day. */
export const HOURLY_RANGES: readonly PanelRange[] = ['today', '24h'];

/** How far back a range reaches; `today` starts at the local midnight instead. */
export const PANEL_RANGE_MS: Record<Exclude<PanelRange, 'today'>, number> = {
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

/** What the user narrowed the panel to. An absent field means "all". */
export interface PanelFilters {
  range: PanelRange;
  provider?: string;
  model?: string;
  feature?: string;
}

/** Until the panel has fitted its range to the data (fitRange), or when a saved state is unreadable. */
export const DEFAULT_PANEL_FILTERS: PanelFilters = { range: '30d' };

/** Everything that changes only when requests are recorded: fetched on open, on filter changes, and after new requests. */
export interface PanelSnapshot {
  /** The panel's "now": every derived figure (today, the month, the projection) uses it. */
  generatedAt: number;
  filters: PanelFilters;
  /** The client's offset from UTC in minutes, as sent to the daemon. */
  utcOffsetMinutes: number;
  /** The selected range, filtered, grouped by day (by hour for HOURLY_RANGES: groupBy says which). */
  daily: UsageQueryResult;
  /** The calendar month so far, grouped by day, filtered (today's cards and the burn-down). */
  month: UsageQueryResult;
  /**
   * The selected range by day (or hour) × provider × model × feature, unfiltered (stacks and filter
   * choices). Absent from the first paint's part (most of a snapshot's size); the next message has it.
   */
  breakdown?: UsageBreakdownResult;
  /** The newest ledger rows of the range, newest first, filtered; capped. */
  recent: UsageRow[];
  /** `conduit.budgets` from settings, as the user wrote it; read tolerantly by the panel. */
  budgetSetting: unknown;
  /** `experiments/results` for the range, when the daemon has experiments; read tolerantly. */
  experiments?: unknown;
  /** Team mode: the team's totals for the range by person and feature (from Redis). */
  team?: TeamUsageResult;
  /**
   * The first paint's part only (the cards and the per-day totals): the breakdown, `recent`,
   * experiments and team are still coming, in a full snapshot right after.
   */
  partial?: boolean;
}

/** The status parts the panel shows; refreshed every couple of seconds while it is visible. */
export type PanelStatus = Pick<
  StatusResult,
  'circuits' | 'rateLimits' | 'alerts' | 'ledger' | 'providers' | 'requestsServed' | 'inFlight' | 'team'
> & {
  /** Whatever the daemon reports under `budgets`, once it has budgets. */
  budgets?: unknown;
  /** Whatever the daemon reports under `experiments`, once it has experiments. */
  experiments?: unknown;
};

export interface PanelLive {
  at: number;
  /** null when the daemon is not running. */
  status: PanelStatus | null;
  live: UsageLiveResult | null;
  alerts: AlertsListResult | null;
}

/** Extension → webview. */
export type ToWebview =
  | { type: 'snapshot'; snapshot: PanelSnapshot }
  | { type: 'live'; live: PanelLive }
  | { type: 'alert'; event: AlertEvent }
  | { type: 'exportResult'; ok: boolean; message: string }
  | { type: 'error'; message: string };

/** Webview → extension. */
export type FromWebview =
  /** fitRange: nothing was chosen yet, so the extension picks the range that fits the data. */
  | { type: 'ready'; filters: PanelFilters; fitRange?: boolean }
  | { type: 'filters'; filters: PanelFilters }
  | { type: 'exportCsv'; filters: PanelFilters }
  | { type: 'refresh' };

/** What the webview keeps with setState, so a reload or a hidden panel comes back as it was. */
export interface PanelWebviewState {
  filters: PanelFilters;
  stackBy: 'model' | 'feature';
  /** The range is still the extension's to fit to the data: the next snapshot's range is taken. */
  fitRange?: boolean;
  snapshot?: PanelSnapshot;
  live?: PanelLive;
}

/** The webview is a less trusted side: its messages are checked field by field. */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'refresh':
      return { type: 'refresh' };
    case 'ready': {
      const filters = parsePanelFilters(v.filters);
      return filters ? { type: 'ready', filters, ...(v.fitRange === true ? { fitRange: true } : {}) } : undefined;
    }
    case 'filters':
    case 'exportCsv': {
      const filters = parsePanelFilters(v.filters);
      return filters ? { type: v.type, filters } : undefined;
    }
    default:
      return undefined;
  }
}

export function parsePanelFilters(value: unknown): PanelFilters | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!PanelRanges.includes(v.range as PanelRange)) return undefined;
  const filters: PanelFilters = { range: v.range as PanelRange };
  for (const key of ['provider', 'model', 'feature'] as const) {
    const f = v[key];
    if (f === undefined || f === '') continue;
    if (typeof f !== 'string' || f.length > 200) return undefined;
    filters[key] = f;
  }
  return filters;
}
