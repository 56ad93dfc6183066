import type { UsageBreakdownCell, UsageBreakdownResult, UsageGroup } from '../protocol/usage';
import type { PanelFilters, PanelLive, PanelSnapshot } from '../protocol/webview';
import { dayKey, daysBetween, hoursBetween, monthOf } from './calendar';
import { count, ms, percent, ratio, usd } from './format';
import { experimentsFrom, monthlyBudgetUsd, type ExperimentView } from './tolerant';

/** Pure: what the panel shows, derived from the extension's messages. No DOM, no clock. */

export type StackBy = 'model' | 'feature';

export interface CardView {
  id: string;
  label: string;
  value: string;
  detail: string;
}

export type ChartUnit = 'usd' | 'tokens' | 'ms' | 'count' | 'percent';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** Its own unit, when not the chart's. */
  unit?: ChartUnit;
  /** Shown in the table only, not drawn. */
  tableOnly?: boolean;
}

export interface ChartView {
  id: string;
  title: string;
  /** What the chart shows, for screen readers. */
  description: string;
  kind: 'stacked' | 'bars' | 'lines';
  unit: ChartUnit;
  x: string[];
  series: ChartSeries[];
}

export interface FilterOptions {
  providers: string[];
  models: string[];
  features: string[];
}

export interface SnapshotView {
  today: string;
  cards: CardView[];
  charts: ChartView[];
  /** Undefined until the breakdown is in (the first paint's part has none). */
  options: FilterOptions | undefined;
  budgetUsd: number | undefined;
}

/** The most series a stacked chart gets; the rest are summed as "other". */
export const MAX_STACKS = 6;

export function snapshotView(s: PanelSnapshot, stackBy: StackBy, live?: PanelLive): SnapshotView {
  const now = s.generatedAt;
  const today = dayKey(now, s.utcOffsetMinutes);
  const month = monthOf(now, s.utcOffsetMinutes);
  const todayGroup = s.month.groups.find((g) => g.key === today);
  const monthCost = s.month.total.costUsd;
  const projected = projectMonth(monthCost, month.elapsedDays, month.days);
  const budgetUsd = monthlyBudgetUsd(live?.status?.budgets, s.budgetSetting);
  const total = s.daily.total;
  const fiveMin = live?.live?.windows.find((w) => w.windowMs === 5 * 60_000);

  const cards: CardView[] = [
    { id: 'today-cost', label: 'Cost today', value: usd(todayGroup?.costUsd ?? 0), detail: unpriced(todayGroup) },
    {
      id: 'month-cost',
      label: 'This month',
      value: usd(monthCost),
      detail:
        budgetUsd !== undefined
          ? `of ${usd(budgetUsd)} budget (${percent(ratio(monthCost, budgetUsd))}) · projected ${usd(projected)}`
          : `projected ${usd(projected)} by month end`,
    },
    {
      id: 'requests-today',
      label: 'Requests today',
      value: count(todayGroup?.requests ?? 0),
      detail: `${count(todayGroup?.errors ?? 0)} failed`,
    },
    {
      id: 'cache',
      label: 'Cache hit rate',
      value: percent(ratio(total.cacheHits, total.requests)),
      detail: `${usd(total.cacheSavedUsd)} saved · ${count(total.cacheHits)} hits`,
    },
    {
      id: 'error-rate',
      label: 'Error rate',
      value: percent(ratio(total.errors, total.requests)),
      detail:
        `${count(total.errors)} of ${count(total.requests)}` +
        (fiveMin ? ` · last 5 min ${percent(ratio(fiveMin.errors, fiveMin.requests))}` : ''),
    },
  ];

  // The range's buckets: days, or hours for a day's worth (the daemon's keys say which).
  const hourly = s.daily.groupBy === 'hour';
  const per = hourly ? 'hour' : 'day';
  const days = (hourly ? hoursBetween : daysBetween)(s.daily.since, s.daily.until, s.utcOffsetMinutes);
  const byDay = new Map(s.daily.groups.map((g) => [g.key, g]));
  const charts: ChartView[] = [
    s.breakdown
      ? costStack(days, filterCells(s.breakdown.cells, s.filters), stackBy, hourly)
      : costTotal(days, byDay, stackBy, hourly),
    burnDown(s, month.dayKeys, today, projected, budgetUsd),
    {
      id: 'tokens',
      title: `Tokens per ${per}`,
      description: `Input and output tokens per ${per}, stacked`,
      kind: 'stacked',
      unit: 'tokens',
      x: days,
      series: [
        { label: 'input', values: days.map((d) => byDay.get(d)?.inputTokens ?? 0) },
        { label: 'output', values: days.map((d) => byDay.get(d)?.outputTokens ?? 0) },
      ],
    },
    {
      id: 'latency',
      title: `Latency per ${per}`,
      description: `Latency p50, p95, p99 and time to first token p50 per ${per}, in milliseconds`,
      kind: 'lines',
      unit: 'ms',
      x: days,
      series: [
        { label: 'p50', values: days.map((d) => byDay.get(d)?.latencyMs.p50 ?? null) },
        { label: 'p95', values: days.map((d) => byDay.get(d)?.latencyMs.p95 ?? null) },
        { label: 'p99', values: days.map((d) => byDay.get(d)?.latencyMs.p99 ?? null) },
        { label: 'TTFT p50', values: days.map((d) => byDay.get(d)?.ttftMs.p50 ?? null) },
      ],
    },
    errorsByCode(s),
  ];

  return { today, cards, charts, options: s.breakdown && filterOptions(s, s.breakdown), budgetUsd };
}

/** Linear: the month's spend so far, at the same daily rate to the month's end. */
export function projectMonth(spentUsd: number, elapsedDays: number, daysInMonth: number): number {
  if (elapsedDays <= 0) return spentUsd;
  return (spentUsd / Math.min(elapsedDays, daysInMonth)) * daysInMonth;
}

function unpriced(g: UsageGroup | undefined): string {
  if (!g) return 'no requests yet';
  return g.unpricedRequests > 0
    ? `${count(g.unpricedRequests)} request(s) of unknown price not included`
    : `${count(g.requests)} request(s)`;
}

export function filterCells(cells: readonly UsageBreakdownCell[], f: PanelFilters): UsageBreakdownCell[] {
  return cells.filter(
    (c) =>
      (!f.provider || c.provider === f.provider) &&
      (!f.model || c.model === f.model) &&
      (!f.feature || c.feature === f.feature),
  );
}

function costStack(days: string[], cells: UsageBreakdownCell[], by: StackBy, hourly: boolean): ChartView {
  const totals = new Map<string, number>();
  for (const c of cells) totals.set(c[by], (totals.get(c[by]) ?? 0) + c.costUsd);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const shown = ranked.length > MAX_STACKS ? ranked.slice(0, MAX_STACKS - 1) : ranked;
  const keys = ranked.length > shown.length ? [...shown, 'other'] : shown;
  const index = new Map(days.map((d, i) => [d, i]));
  const values = keys.map(() => days.map(() => 0));
  for (const c of cells) {
    const i = index.get(hourly ? (c.hour ?? '') : c.day);
    if (i === undefined) continue;
    const k = shown.indexOf(c[by]);
    const row = values[k === -1 ? keys.length - 1 : k]!;
    row[i] = round6(row[i]! + c.costUsd);
  }
  return {
    id: 'cost',
    title: `Cost per ${hourly ? 'hour' : 'day'} by ${by}`,
    description: `Cost in USD per ${hourly ? 'hour' : 'day'}, stacked by ${by}`,
    kind: 'stacked',
    unit: 'usd',
    x: days,
    series: keys.map((label, k) => ({ label, values: values[k]! })),
  };
}

/** Until the breakdown is in: the same chart with the day's total as its one stack. */
function costTotal(days: string[], byDay: Map<string, UsageGroup>, by: StackBy, hourly: boolean): ChartView {
  return {
    ...costStack([], [], by, hourly),
    x: days,
    series: [{ label: 'all', values: days.map((d) => byDay.get(d)?.costUsd ?? 0) }],
  };
}

function burnDown(
  s: PanelSnapshot,
  dayKeys: string[],
  today: string,
  projected: number,
  budgetUsd: number | undefined,
): ChartView {
  const byDay = new Map(s.month.groups.map((g) => [g.key, g.costUsd]));
  let sum = 0;
  const actual = dayKeys.map((d) => {
    if (d > today) return null;
    sum = round6(sum + (byDay.get(d) ?? 0));
    return sum;
  });
  const spent = s.month.total.costUsd;
  const todayIndex = dayKeys.indexOf(today);
  // The projection starts from today's spend and reaches the projected total on the last day.
  const perDay = dayKeys.length - 1 - todayIndex > 0 ? (projected - spent) / (dayKeys.length - 1 - todayIndex) : 0;
  const projection = dayKeys.map((_, i) => (i < todayIndex ? null : round6(spent + perDay * (i - todayIndex))));
  const series: ChartSeries[] = [
    { label: 'spent', values: actual },
    { label: 'projected', values: projection },
  ];
  if (budgetUsd !== undefined) series.push({ label: 'budget', values: dayKeys.map(() => budgetUsd) });
  return {
    id: 'month',
    title: budgetUsd !== undefined ? 'This month against the budget' : 'This month so far',
    description: `Cumulative cost this month, with the projection to the month end${budgetUsd !== undefined ? ' and the budget' : ''}, in USD`,
    kind: 'lines',
    unit: 'usd',
    x: dayKeys,
    series,
  };
}

function errorsByCode(s: PanelSnapshot): ChartView {
  const codes = Object.entries(s.daily.errorsByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const requests = s.daily.total.requests;
  return {
    id: 'errors',
    title: 'Errors by code',
    description: 'Failed requests by error code, as a share of all requests in the range',
    kind: 'bars',
    unit: 'count',
    x: codes.map(([code]) => code),
    series: [
      { label: 'errors', values: codes.map(([, n]) => n) },
      {
        label: 'share of requests',
        unit: 'percent',
        tableOnly: true,
        values: codes.map(([, n]) => (requests > 0 ? round6(n / requests) : null)),
      },
    ],
  };
}

function filterOptions(s: PanelSnapshot, breakdown: UsageBreakdownResult): FilterOptions {
  const sets = { providers: new Set<string>(), models: new Set<string>(), features: new Set<string>() };
  for (const c of breakdown.cells) {
    if (c.provider !== '(none)') sets.providers.add(c.provider);
    if (c.model !== '(none)') sets.models.add(c.model);
    sets.features.add(c.feature);
  }
  // The current choice stays listed even when the range has no rows for it.
  if (s.filters.provider) sets.providers.add(s.filters.provider);
  if (s.filters.model) sets.models.add(s.filters.model);
  if (s.filters.feature) sets.features.add(s.filters.feature);
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return { providers: sorted(sets.providers), models: sorted(sets.models), features: sorted(sets.features) };
}

export function experiments(snapshot: PanelSnapshot | undefined, live: PanelLive | undefined): ExperimentView[] {
  const fromResults = experimentsFrom(snapshot?.experiments);
  return fromResults.length > 0 ? fromResults : experimentsFrom(live?.status?.experiments);
}

export function chartValue(unit: ChartUnit, v: number | null): string {
  switch (unit) {
    case 'usd':
      return usd(v);
    case 'ms':
      return ms(v);
    case 'tokens':
    case 'count':
      return count(v);
    case 'percent':
      return percent(v);
  }
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
