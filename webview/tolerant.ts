/**
 * Budgets and experiments come from the routing work, whose shapes are still settling: they are
 * read here tolerantly, by the names such data usually has, and anything unrecognized is ignored
 * (the panel then hides the budget line or the experiments section).
 */

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function first(r: Rec, names: string[]): unknown {
  for (const n of names) if (r[n] !== undefined) return r[n];
  return undefined;
}

function firstNum(r: Rec, names: string[]): number | undefined {
  for (const n of names) {
    const v = num(r[n]);
    if (v !== undefined) return v;
  }
  return undefined;
}

const AMOUNT = ['usd', 'limitUsd', 'amountUsd', 'budgetUsd', 'limit', 'amount', 'capUsd'];

/** A monthly budget in USD from `budgets` as the daemon or the settings give it; undefined when none. */
export function monthlyBudgetUsd(...sources: unknown[]): number | undefined {
  for (const source of sources) {
    const found = budgetIn(source, 0);
    if (found !== undefined && found > 0) return found;
  }
  return undefined;
}

function budgetIn(source: unknown, depth: number): number | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(source)) {
    for (const item of source) {
      const r = rec(item);
      if (!r) continue;
      // A feature's own budget is not the month's overall one.
      const scope = r.scope;
      if (scope !== undefined && scope !== 'global' && scope !== '*') continue;
      const period = first(r, ['period', 'window']);
      if (period === 'month' || period === 'monthly') {
        const v = firstNum(r, AMOUNT);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  }
  const r = rec(source);
  if (!r) return undefined;
  const direct = firstNum(r, ['monthlyUsd', 'monthUsd', 'monthlyLimitUsd', 'monthly', 'month']);
  if (direct !== undefined) return direct;
  for (const key of ['monthly', 'month']) {
    const inner = rec(r[key]);
    const v = inner && firstNum(inner, AMOUNT);
    if (v !== undefined) return v;
  }
  for (const key of ['global', 'total', 'budgets', 'limits', '*']) {
    const v = budgetIn(r[key], depth + 1);
    if (v !== undefined) return v;
  }
  return undefined;
}

export interface ExperimentArmView {
  name: string;
  requests: number | null;
  costPerRequestUsd: number | null;
  latencyP50Ms: number | null;
  errors: number | null;
  ratingsUp: number | null;
  ratingsDown: number | null;
  /** 👍 share of the rated answers, with its 95% interval (the daemon's, experimentResults.ts). */
  upRate: number | null;
  upRateCi: IntervalView | null;
  costCi: IntervalView | null;
  latencyMeanMs: number | null;
  latencyCi: IntervalView | null;
}

export interface IntervalView {
  low: number;
  high: number;
}

function interval(v: unknown): IntervalView | null {
  const r = rec(v);
  const low = r && num(r.low);
  const high = r && num(r.high);
  return low !== undefined && high !== undefined ? { low, high } : null;
}

export interface ExperimentView {
  name: string;
  arms: ExperimentArmView[];
  /** Per measure, the winner or why there is none ("👍 rate (Wilson): no winner: the 95% intervals overlap"). */
  notes: string[];
}

/** Experiments with at least one arm; [] when there are none or the shape is unknown. */
export function experimentsFrom(value: unknown): ExperimentView[] {
  const r = rec(value);
  const list: unknown = Array.isArray(value)
    ? value
    : r && (Array.isArray(r.experiments) ? r.experiments : Array.isArray(r.active) ? r.active : undefined);
  const entries: [string | undefined, unknown][] = Array.isArray(list)
    ? list.map((e) => [undefined, e])
    : r
      ? Object.entries(r)
      : [];
  const out: ExperimentView[] = [];
  for (const [key, entry] of entries) {
    const e = rec(entry);
    if (!e) continue;
    const id = str(first(e, ['name', 'id', 'experiment', 'key'])) ?? key;
    const feature = str(e.feature);
    const name = id !== undefined && feature !== undefined ? `${id} (${feature})` : id;
    const arms = armsFrom(e.arms ?? e.variants);
    const notes = Array.isArray(e.comparisons)
      ? e.comparisons.map((c) => str(rec(c)?.note)).filter((n): n is string => n !== undefined)
      : [];
    if (name !== undefined && arms.length > 0) out.push({ name, arms, notes });
  }
  return out;
}

function armsFrom(value: unknown): ExperimentArmView[] {
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((a) => [undefined, a])
    : rec(value)
      ? Object.entries(rec(value)!)
      : [];
  const arms: ExperimentArmView[] = [];
  for (const [key, entry] of entries) {
    const a = rec(entry);
    if (!a) continue;
    const name = str(first(a, ['name', 'arm', 'id', 'key', 'model'])) ?? key;
    if (name === undefined) continue;
    const latency = rec(a.latencyMs) ?? rec(a.latency);
    const ratings = rec(a.ratings) ?? rec(a.feedback);
    const requests = firstNum(a, ['requests', 'count', 'n', 'calls']) ?? null;
    const total = firstNum(a, ['costUsd', 'cost', 'totalCostUsd']);
    arms.push({
      name,
      requests,
      costPerRequestUsd:
        firstNum(a, ['costPerRequestUsd', 'meanCostUsd', 'avgCostUsd']) ??
        (total !== undefined && requests ? total / requests : null),
      latencyP50Ms:
        (latency && firstNum(latency, ['p50', 'median'])) ??
        firstNum(a, ['latencyP50Ms', 'p50Ms', 'latencyMs']) ??
        null,
      errors: firstNum(a, ['errors', 'errorCount', 'failures']) ?? null,
      ratingsUp:
        (ratings && firstNum(ratings, ['up', 'positive', 'thumbsUp', 'good'])) ??
        firstNum(a, ['ratingsUp', 'thumbsUp', 'up']) ??
        null,
      ratingsDown:
        (ratings && firstNum(ratings, ['down', 'negative', 'thumbsDown', 'bad'])) ??
        firstNum(a, ['ratingsDown', 'thumbsDown', 'down']) ??
        null,
      upRate: num(a.upRate) ?? null,
      upRateCi: interval(a.upRateCi),
      costCi: interval(a.costCi),
      latencyMeanMs: num(a.latencyMeanMs) ?? null,
      latencyCi: interval(a.latencyCi),
    });
  }
  return arms;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined;
}
