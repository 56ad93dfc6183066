import type { BudgetPeriod, BudgetStatus } from '../../protocol';
import { LruMap } from '../platform/lruMap';
import type { BudgetSettings } from './budgetSettings';
import { dayKey, localUtcOffsetMinutes, monthKey, startOfDay } from './calendarKey';

/** One budget that applies to a request: its key in the tables, and its limit. */
interface Line {
  scope: string;
  period: BudgetPeriod;
  /** e.g. "global|d:2025-06-01". */
  key: string;
  limitUsd: number;
}

export interface Reservation {
  /** Raised by tryRaise, when the request moves to a dearer model. */
  usd: number;
  readonly feature: string;
  /** The spend keys this request counts against: its day and month, global and for its feature. */
  readonly keys: readonly string[];
  done: boolean;
}

export interface BudgetRefusal extends BudgetStatus {
  /** The worst case that did not fit. */
  neededUsd: number;
}

export type ReserveOutcome = { ok: true; reservation: Reservation } | { ok: false; refusal: BudgetRefusal };

/** Settled spend by period, as the ledger had it at start. */
export interface SpendSeed {
  day: string;
  month: string;
  /** feature → USD spent today / this month. */
  dayByFeature: ReadonlyMap<string, number>;
  monthByFeature: ReadonlyMap<string, number>;
}

export interface BudgetTableOptions {
  settings: () => BudgetSettings;
  now?: () => number;
  /** The calendar's offset from UTC; the machine's own by default. */
  utcOffsetMinutes?: (at: number) => number;
}

// Floating-point sums of many small costs must not refuse the request that exactly fills a budget.
const EPSILON = 1e-9;

/**
 * How many features without a budget of their own have their spend tracked. The feature is the
 * request's own string, so a client could name a new one with every request; past this the least
 * recently used goes (its spend would count only if a budget for it were configured later, before
 * a restart reads the ledger again). Features with a budget are never dropped.
 */
export const MAX_UNBUDGETED_FEATURES = 1024;

/**
 * Budget reservations. Before a request goes upstream it reserves its worst-case cost against
 * every budget that applies (the global and its feature's, daily and monthly); after, the
 * reservation settles to the actual cost, or is released when nothing was spent. Everything is
 * synchronous: a reservation checks and takes in one step, with no await in between, so any
 * number of concurrent requests cannot together reserve more than a budget holds.
 *
 * Spend is tracked for every request, budgets or not, so a budget set later starts right.
 */
export class BudgetTable {
  private readonly spent = new Map<string, number>();
  private readonly reserved = new Map<string, number>();
  private readonly features = new LruMap<string, true>(MAX_UNBUDGETED_FEATURES, {
    keep: (_, feature) => Object.hasOwn(this.opts.settings().byFeature, feature),
    evicted: (_, feature) => this.forgetFeature(feature),
  });
  /** The day and month keys the spend table was last pruned for. */
  private periods = '';
  private readonly now: () => number;
  private readonly offset: (at: number) => number;

  constructor(private readonly opts: BudgetTableOptions) {
    this.now = opts.now ?? Date.now;
    this.offset = opts.utcOffsetMinutes ?? localUtcOffsetMinutes;
  }

  /** Adds what the ledger says was spent before this daemon started. */
  seed(seed: SpendSeed): void {
    for (const [feature, usd] of seed.dayByFeature) {
      this.features.set(feature, true);
      this.add(this.spent, `global|d:${seed.day}`, usd);
      this.add(this.spent, `feature:${feature}|d:${seed.day}`, usd);
    }
    for (const [feature, usd] of seed.monthByFeature) {
      this.features.set(feature, true);
      this.add(this.spent, `global|m:${seed.month}`, usd);
      this.add(this.spent, `feature:${feature}|m:${seed.month}`, usd);
    }
  }

  /** Reserves `usd` against every applicable budget, or refuses without taking anything. */
  tryReserve(feature: string, usd: number): ReserveOutcome {
    const at = this.now();
    const need = Math.max(0, Number.isFinite(usd) ? usd : 0);
    let worst: BudgetRefusal | undefined;
    for (const line of this.lines(feature, at)) {
      const spent = this.spent.get(line.key) ?? 0;
      const reserved = this.reserved.get(line.key) ?? 0;
      const remaining = line.limitUsd - spent - reserved;
      if (need > remaining + EPSILON && (!worst || remaining < worst.remainingUsd)) {
        worst = {
          scope: line.scope,
          period: line.period,
          limitUsd: line.limitUsd,
          spentUsd: spent,
          reservedUsd: reserved,
          remainingUsd: Math.max(0, remaining),
          resetsAt: this.resetsAt(line.period, at),
          neededUsd: need,
        };
      }
    }
    if (worst) return { ok: false, refusal: worst };
    const keys = this.keysFor(feature, at);
    for (const key of keys) this.add(this.reserved, key, need);
    return { ok: true, reservation: { usd: need, feature, keys, done: false } };
  }

  /**
   * Raises a held reservation to `usd` (a fallback to a dearer model), or refuses without taking
   * anything: the same check as tryReserve, for the difference only, in one synchronous step.
   */
  tryRaise(reservation: Reservation, usd: number): ReserveOutcome {
    const extra = (Number.isFinite(usd) ? usd : 0) - reservation.usd;
    if (reservation.done || extra <= 0) return { ok: true, reservation };
    const at = this.now();
    for (const line of this.lines(reservation.feature, at)) {
      const spent = this.spent.get(line.key) ?? 0;
      const reserved = this.reserved.get(line.key) ?? 0;
      const remaining = line.limitUsd - spent - reserved;
      if (extra > remaining + EPSILON) {
        return {
          ok: false,
          refusal: {
            scope: line.scope,
            period: line.period,
            limitUsd: line.limitUsd,
            spentUsd: spent,
            reservedUsd: reserved,
            remainingUsd: Math.max(0, remaining),
            resetsAt: this.resetsAt(line.period, at),
            neededUsd: extra,
          },
        };
      }
    }
    for (const key of reservation.keys) this.add(this.reserved, key, extra);
    reservation.usd += extra;
    return { ok: true, reservation };
  }

  /** The request finished: its reservation becomes what it really cost (a cache hit or an error: 0). */
  settle(reservation: Reservation, actualUsd: number | null | undefined): void {
    if (reservation.done) return;
    reservation.done = true;
    const actual = typeof actualUsd === 'number' && Number.isFinite(actualUsd) && actualUsd > 0 ? actualUsd : 0;
    if (actual > 0) this.features.set(reservation.feature, true);
    for (const key of reservation.keys) {
      this.add(this.reserved, key, -reservation.usd);
      this.add(this.spent, key, actual);
    }
  }

  /** Spend that had no reservation of its own: a batch request, billed when its result arrives. */
  addSpend(feature: string, usd: number): void {
    this.settle({ usd: 0, feature, keys: this.keysFor(feature, this.now()), done: false }, usd);
  }

  release(reservation: Reservation): void {
    this.settle(reservation, 0);
  }

  /** Every configured budget as it stands now. */
  statuses(): BudgetStatus[] {
    const at = this.now();
    const settings = this.opts.settings();
    const out: BudgetStatus[] = [];
    const scopes: { scope: string; feature?: string }[] = [
      { scope: 'global' },
      ...Object.keys(settings.byFeature).map((f) => ({ scope: `feature:${f}`, feature: f })),
    ];
    for (const { scope, feature } of scopes) {
      for (const line of this.lines(feature, at).filter((l) => l.scope === scope)) {
        const spent = this.spent.get(line.key) ?? 0;
        const reserved = this.reserved.get(line.key) ?? 0;
        out.push({
          scope,
          period: line.period,
          limitUsd: line.limitUsd,
          spentUsd: spent,
          reservedUsd: reserved,
          remainingUsd: Math.max(0, line.limitUsd - spent - reserved),
          resetsAt: this.resetsAt(line.period, at),
        });
      }
    }
    return out;
  }

  /** Whether any budget applies to a feature's request now. */
  applies(feature: string): boolean {
    return this.lines(feature, this.now()).length > 0;
  }

  /** Settled spend now, for a scope ("global" or "feature:x") and period. */
  spentUsd(scope: string, period: BudgetPeriod): number {
    const at = this.now();
    return this.spent.get(`${scope}|${this.periodKey(period, at)}`) ?? 0;
  }

  /** The budgets that apply to a feature's request (global ones when `feature` is undefined). */
  private lines(feature: string | undefined, at: number): Line[] {
    const s = this.opts.settings();
    const out: Line[] = [];
    const push = (scope: string, period: BudgetPeriod, limit: number | undefined) => {
      if (limit !== undefined)
        out.push({ scope, period, key: `${scope}|${this.periodKey(period, at)}`, limitUsd: limit });
    };
    push('global', 'day', s.dailyUsd);
    push('global', 'month', s.monthlyUsd);
    const own = feature !== undefined ? s.byFeature[feature] : undefined;
    if (own) {
      push(`feature:${feature}`, 'day', own.dailyUsd);
      push(`feature:${feature}`, 'month', own.monthlyUsd);
    }
    return out;
  }

  private keysFor(feature: string, at: number): string[] {
    const d = this.periodKey('day', at);
    const m = this.periodKey('month', at);
    this.prune(d, m);
    return [`global|${d}`, `global|${m}`, `feature:${feature}|${d}`, `feature:${feature}|${m}`];
  }

  /**
   * A new day or month: the spend of past periods is never read again, so it goes. A request
   * that reserved before midnight and settles after adds to yesterday's keys, which the next
   * new period removes.
   */
  private prune(day: string, month: string): void {
    const periods = `${day}|${month}`;
    if (periods === this.periods) return;
    const first = this.periods === '';
    this.periods = periods;
    if (first) return;
    for (const key of this.spent.keys()) {
      const period = key.slice(key.lastIndexOf('|') + 1);
      if (period !== day && period !== month) this.spent.delete(key);
    }
  }

  /** Only this period's keys: older ones go with the next new period. */
  private forgetFeature(feature: string): void {
    const at = this.now();
    this.spent.delete(`feature:${feature}|${this.periodKey('day', at)}`);
    this.spent.delete(`feature:${feature}|${this.periodKey('month', at)}`);
  }

  private periodKey(period: BudgetPeriod, at: number): string {
    const offset = this.offset(at);
    return period === 'day' ? `d:${dayKey(at, offset)}` : `m:${monthKey(at, offset)}`;
  }

  private resetsAt(period: BudgetPeriod, at: number): number {
    const offset = this.offset(at);
    if (period === 'day') return startOfDay(at, offset) + 86_400_000;
    return startOfNextMonth(at, offset);
  }

  private add(map: Map<string, number>, key: string, usd: number): void {
    const next = (map.get(key) ?? 0) + usd;
    // Reservations that net to zero leave no key behind; old periods' spend stays small.
    if (Math.abs(next) < 1e-15) map.delete(key);
    else map.set(key, next);
  }
}

export function startOfMonth(at: number, utcOffsetMinutes: number): number {
  const [y, m] = monthKey(at, utcOffsetMinutes).split('-').map(Number) as [number, number];
  return Date.UTC(y, m - 1, 1) - utcOffsetMinutes * 60_000;
}

export function startOfNextMonth(at: number, utcOffsetMinutes: number): number {
  const [y, m] = monthKey(at, utcOffsetMinutes).split('-').map(Number) as [number, number];
  return Date.UTC(y, m, 1) - utcOffsetMinutes * 60_000;
}
