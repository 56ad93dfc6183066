import { DAY_MS, HOUR_MS } from './rollupSchema';

export interface TimeRange {
  /** Inclusive, ms since the epoch. */
  from: number;
  /** Exclusive. */
  to: number;
}

/** Which store answers which part of a query's range. */
export interface RollupPlan {
  raw: TimeRange[];
  hour: TimeRange[];
  day: TimeRange[];
  /** Some edges fell where raw rows are gone, and were answered by whole hours of the hourly rollup. */
  roundedToHour: boolean;
}

export interface PlanInput {
  since: number;
  until: number;
  /** Group boundaries that a rollup bucket may not straddle. */
  timeGroup: 'day' | 'hour' | 'month' | null;
  utcOffsetMinutes: number;
  /** Raw rows before this (an hour boundary) were deleted by retention. */
  rawSince: number;
  /** False while the backfill of an older ledger runs: then every part is read from raw rows. */
  rollupsReady: boolean;
}

/**
 * Splits [since, until) so that every part is answered by the coarsest store that is exact for
 * it: whole UTC days from the daily rollup, whole hours from the hourly one, and the sub-hour
 * edges from the raw rows. Parts never straddle a group (day or month at the client's offset),
 * so each rollup bucket belongs to exactly one group.
 */
export function planRollups(input: PlanInput): RollupPlan {
  const plan: RollupPlan = { raw: [], hour: [], day: [], roundedToHour: false };
  if (input.until <= input.since) return plan;
  if (!input.rollupsReady) {
    plan.raw.push({ from: input.since, to: input.until });
    return plan;
  }
  const bounds = groupBoundaries(input);
  for (let i = 0; i + 1 < bounds.length; i++) splitInterval(bounds[i]!, bounds[i + 1]!, input, plan);
  return { raw: merged(plan.raw), hour: merged(plan.hour), day: merged(plan.day), roundedToHour: plan.roundedToHour };
}

function splitInterval(a: number, b: number, input: PlanInput, plan: RollupPlan): void {
  const h0 = ceilTo(a, HOUR_MS);
  const h1 = floorTo(b, HOUR_MS);
  if (h0 >= h1) {
    edge(a, b, input, plan);
    return;
  }
  edge(a, h0, input, plan);
  const d0 = ceilTo(h0, DAY_MS);
  const d1 = floorTo(h1, DAY_MS);
  if (d0 < d1) {
    add(plan.hour, h0, d0);
    add(plan.day, d0, d1);
    add(plan.hour, d1, h1);
  } else {
    add(plan.hour, h0, h1);
  }
  edge(h1, b, input, plan);
}

/**
 * A part shorter than an hour. Where its raw rows are gone the hour holding it answers instead,
 * counted once: by the part that holds the hour's start, or by the query's first part.
 */
function edge(a: number, b: number, input: PlanInput, plan: RollupPlan): void {
  if (a >= b) return;
  if (a >= input.rawSince) {
    add(plan.raw, a, b);
    return;
  }
  plan.roundedToHour = true;
  const hour = floorTo(a, HOUR_MS);
  if (hour === a || a === input.since) add(plan.hour, hour, hour + HOUR_MS);
}

function groupBoundaries(input: PlanInput): number[] {
  const out = [input.since];
  if (input.timeGroup !== null) {
    for (let t = nextGroupStart(input.since, input); t < input.until; t = nextGroupStart(t, input)) out.push(t);
  }
  out.push(input.until);
  return out;
}

/** The start of the hour, day or month after the one holding `t`, at the fixed offset. */
function nextGroupStart(t: number, input: PlanInput): number {
  const offset = input.utcOffsetMinutes * 60_000;
  const local = new Date(t + offset);
  const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()];
  const next =
    input.timeGroup === 'hour'
      ? Date.UTC(y, m, d, local.getUTCHours() + 1)
      : input.timeGroup === 'day'
        ? Date.UTC(y, m, d + 1)
        : Date.UTC(y, m + 1, 1);
  return next - offset;
}

function add(list: TimeRange[], from: number, to: number): void {
  if (from < to) list.push({ from, to });
}

/** Adjacent parts of one store become one range: fewer terms in the SQL. */
function merged(list: TimeRange[]): TimeRange[] {
  const sorted = [...list].sort((x, y) => x.from - y.from);
  const out: TimeRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

export function floorTo(t: number, unit: number): number {
  return t - (((t % unit) + unit) % unit);
}

function ceilTo(t: number, unit: number): number {
  const f = floorTo(t, unit);
  return f === t ? t : f + unit;
}
