import type { DaemonClient } from '../daemon/client/daemonClient';
import {
  AlertsListRequest,
  ExperimentsResultsRequest,
  HOURLY_RANGES,
  PANEL_RANGE_MS,
  ProviderIds,
  TeamUsageRequest,
  UsageBreakdownRequest,
  UsageExportRequest,
  UsageLiveRequest,
  UsageQueryRequest,
  type PanelFilters,
  type PanelLive,
  type PanelRange,
  type PanelSnapshot,
  type PanelStatus,
  type ProviderId,
  type StatusResult,
  type UsageFilters,
  type UsageQueryResult,
  type UsageRow,
} from '../protocol';
import { call } from './rpc';

/** How many rows "Recent requests" shows. */
export const RECENT_ROWS = 50;
/** Windows back from the range's end, searched in turn for the newest rows. */
const RECENT_WINDOWS_MS = [15 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000, Infinity];

/** The panel's filters as the daemon takes them; a provider the daemon does not know is dropped. */
export function daemonFilters(filters: PanelFilters): UsageFilters {
  const out: UsageFilters = {};
  if (filters.provider && (ProviderIds as readonly string[]).includes(filters.provider))
    out.provider = filters.provider as ProviderId;
  if (filters.model) out.model = filters.model;
  if (filters.feature) out.feature = filters.feature;
  return out;
}

/** The range's window; `today` starts at midnight at the offset (the local one by default). */
export function rangeOf(
  filters: PanelFilters,
  now: number,
  utcOffsetMinutes = -new Date(now).getTimezoneOffset(),
): { since: number; until: number } {
  if (filters.range === 'today') return { since: dayStart(now, utcOffsetMinutes), until: now + 1 };
  return { since: now - PANEL_RANGE_MS[filters.range], until: now + 1 };
}

/** Midnight of the day holding `now`, at a fixed offset from UTC. */
function dayStart(now: number, utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * 60_000;
  return Math.floor((now + offset) / 86_400_000) * 86_400_000 - offset;
}

/** How far back the panel looks when it fits its first range to the data. */
const FIT_LOOKBACK_MS = PANEL_RANGE_MS['90d'];

/**
 * The smallest range that holds every day with requests: today by the hour when all of them
 * are today (or there are none yet), else 7, 30 or 90 days. Pure: days are YYYY-MM-DD keys.
 */
export function fittingRange(daysWithRequests: readonly string[], today: string): PanelRange {
  const oldest = [...daysWithRequests].sort()[0];
  if (oldest === undefined || oldest >= today) return 'today';
  const back = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${oldest}T00:00:00Z`)) / 86_400_000);
  // A range of n days reaches into the day n days back, so it holds the whole of day n - 1.
  if (back <= 6) return '7d';
  if (back <= 29) return '30d';
  return '90d';
}

/** Asks the daemon which days of the last 90 had requests, and fits the range to them. */
export async function fitRange(client: DaemonClient, now = Date.now()): Promise<PanelRange> {
  return (await fitRangeRead(client, now)).range;
}

/**
 * fitRange, with the query it read (the last 90 days by day, nothing filtered): the daily
 * figures of a fitted "Last 90 days", which fetchSnapshot then need not ask for again.
 */
export async function fitRangeRead(
  client: DaemonClient,
  now = Date.now(),
): Promise<{ range: PanelRange; days: UsageQueryResult }> {
  const utcOffsetMinutes = -new Date(now).getTimezoneOffset();
  const days = await call(client, UsageQueryRequest.type, {
    since: now - FIT_LOOKBACK_MS,
    until: now + 1,
    groupBy: 'day',
    utcOffsetMinutes,
  });
  const today = new Date(now + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  const range = fittingRange(
    days.groups.filter((g) => g.requests > 0).map((g) => g.key),
    today,
  );
  return { range, days };
}

/** The start of the local calendar month. */
export function monthStart(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/**
 * Everything the panel draws from the ledger. `onFirstPaint` gets the cards' part as soon as it is
 * in (a `partial` snapshot: the range's and the month's per-day totals, a few kB); only then are the
 * breakdown (most of a snapshot's size: every day × provider × model × feature), the recent rows,
 * experiments and team totals asked for, in parallel, and they come whole after.
 */
export async function fetchSnapshot(
  client: DaemonClient,
  filters: PanelFilters,
  budgetSetting: unknown,
  now = Date.now(),
  onFirstPaint?: (partial: PanelSnapshot) => void,
  read?: UsageQueryResult,
): Promise<PanelSnapshot> {
  const utcOffsetMinutes = -new Date(now).getTimezoneOffset();
  const { since, until } = rangeOf(filters, now, utcOffsetMinutes);
  const f = daemonFilters(filters);
  const grain = HOURLY_RANGES.includes(filters.range) ? 'hour' : 'day';
  // `read`: a query already answered (fitRangeRead's), used when it is exactly this range's own.
  const known =
    read && read.since === since && read.until === until && read.groupBy === grain && Object.keys(f).length === 0
      ? read
      : undefined;
  const first = Promise.all([
    known ?? call(client, UsageQueryRequest.type, { since, until, groupBy: grain, filters: f, utcOffsetMinutes }),
    call(client, UsageQueryRequest.type, {
      since: monthStart(now),
      until,
      groupBy: 'day',
      filters: f,
      utcOffsetMinutes,
    }),
  ]);
  // The rest is asked for only once the cards' part is in: the daemon's one SQLite thread runs
  // statements in turn, so the breakdown, the recent rows' pages and the experiments asked at the
  // same time ran between the cards' statements and held the first paint back by all of theirs.
  const [daily, month] = await first;
  const base = { generatedAt: now, filters, utcOffsetMinutes, daily, month, budgetSetting };
  onFirstPaint?.({ ...base, recent: [], partial: true });
  const [breakdown, recent, experiments, team] = await Promise.all([
    call(client, UsageBreakdownRequest.type, { since, until, utcOffsetMinutes, groupBy: grain }),
    recentRows(client, since, until, f),
    // A daemon without experiments answers "method not found": the panel then hides the section.
    call(client, ExperimentsResultsRequest.type, { since }).catch(() => undefined),
    // Team mode off, or Redis unreachable: the panel hides the team totals.
    call(client, TeamUsageRequest.type, { since, until }).catch(() => undefined),
  ]);
  return {
    ...base,
    breakdown,
    recent,
    ...(experiments ? { experiments } : {}),
    ...(team ? { team } : {}),
  };
}

/**
 * The newest rows of a range. `usage/export` pages oldest first, so the range is read from its
 * end in widening windows (15 minutes, an hour, … all of it) until one holds enough rows; each
 * window grows a few times over the last, so the pages read stay near what is shown.
 */
export async function recentRows(
  client: DaemonClient,
  since: number,
  until: number,
  filters: UsageFilters,
  limit = RECENT_ROWS,
): Promise<UsageRow[]> {
  for (const windowMs of RECENT_WINDOWS_MS) {
    const from = Math.max(since, until - windowMs);
    let kept: UsageRow[] = [];
    let after = 0;
    for (;;) {
      const res = await call(client, UsageExportRequest.type, {
        since: from,
        until,
        filters,
        includeSamples: true,
        ...(after ? { after } : {}),
      });
      kept = kept.concat(res.rows).slice(-limit);
      if (res.next === null) break;
      after = res.next;
    }
    if (kept.length >= limit || from === since) return kept.reverse();
  }
  return [];
}

/** Status, the last minutes and the alerts; a daemon that is not running gives nulls. */
export async function fetchLive(client: DaemonClient | undefined, now = Date.now()): Promise<PanelLive> {
  if (!client) return { at: now, status: null, live: null, alerts: null };
  const [status, live, alerts] = await Promise.allSettled([
    client.status(),
    call(client, UsageLiveRequest.type, {}),
    call(client, AlertsListRequest.type, {}),
  ]);
  return {
    at: now,
    status: status.status === 'fulfilled' ? panelStatus(status.value) : null,
    live: live.status === 'fulfilled' ? live.value : null,
    alerts: alerts.status === 'fulfilled' ? alerts.value : null,
  };
}

/** Only what the panel shows: no home, socket or key sources cross to the webview. */
function panelStatus(s: StatusResult & { budgets?: unknown; experiments?: unknown }): PanelStatus {
  return {
    circuits: s.circuits,
    rateLimits: s.rateLimits,
    alerts: s.alerts,
    ledger: s.ledger,
    providers: s.providers,
    requestsServed: s.requestsServed,
    inFlight: s.inFlight,
    ...(s.budgets !== undefined ? { budgets: s.budgets } : {}),
    ...(s.experiments !== undefined ? { experiments: s.experiments } : {}),
    ...(s.team !== undefined ? { team: s.team } : {}),
  };
}
