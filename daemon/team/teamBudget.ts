import type { BudgetPeriod, BudgetStatus } from '../../protocol';
import { dayKey, monthKey, startOfDay } from '../usage/calendarKey';
import { startOfNextMonth } from '../usage/budgetTable';
import { RESERVE_LUA, SETTLE_LUA } from './budgetScripts';
import { BacklogDrainer } from './backlogDrainer';
import type { TeamConnection } from './teamConnection';
import type { TeamSettings } from './teamSettings';
import { nodeCrypto } from '../platform/nodeCrypto';

const MICRO = 1_000_000;
const toMicros = (usd: number) => Math.ceil(Math.max(0, Number.isFinite(usd) ? usd : 0) * MICRO);
const fromMicros = (m: number) => m / MICRO;

interface Period {
  period: BudgetPeriod;
  /** The Redis hash, e.g. conduit:team:budget:d:2026-11-28. */
  key: string;
  limit: number | undefined;
  resetsAt: number;
}

/** One request's hold on the team budget. */
export interface TeamReservation {
  /** Raised by `raise`, when the request moves to a dearer fallback model. */
  micros: number;
  readonly keys: readonly string[];
  /** Its entry in the periods' reservation sets ("<id>|<micros>"); empty offline. */
  member: string;
  /** A Redis reservation raised while Redis was away: the part taken from the offline share. */
  localMicros: number;
  /** Taken from Redis, or from this daemon's offline share while Redis was away. */
  readonly where: 'redis' | 'local';
  done: boolean;
}

export type TeamReserveOutcome =
  { ok: true; reservation: TeamReservation } | { ok: false; status: BudgetStatus; neededUsd: number };

interface Known {
  spent: number;
  reserved: number;
}

/**
 * The team's daily and monthly budgets, in Redis. A request reserves its worst case with one Lua
 * script that checks every budget and takes from all of them at once, so daemons on any number
 * of machines cannot together reserve more than a budget holds; the reservation then settles to
 * the real cost.
 *
 * While Redis is away a daemon may spend only its `offlineShare` of what was left of each budget
 * when it last heard from Redis. What it spends then, and settles it could not write, is kept and
 * written when Redis is back, before anything else is reserved.
 */
export class TeamBudget {
  private readonly known = new Map<string, Known>();
  /** Offline: micro-dollars reserved and spent from this daemon's share, per period key. */
  private readonly offline = new Map<string, Known>();
  /** Settles that could not reach Redis: [reserved to give back, spent, keys]. */
  private pending: Array<{ reserved: number; spent: number; keys: readonly string[]; member: string }> = [];
  private readonly drainer = new BacklogDrainer(
    () => this.drain(),
    () => this.pending.length > 0 && this.team.up,
  );

  /**
   * @param lapseMs how long a reservation holds before Redis gives it back unsettled: longer than
   * any request may run (resilience.timeouts.requestMs), so only a daemon that died loses its hold.
   */
  constructor(
    private readonly team: TeamConnection,
    private readonly settings: () => TeamSettings,
    private readonly now: () => number = Date.now,
    private readonly lapseMs = 15 * 60_000,
  ) {
    team.client.defineCommand('conduitBudgetReserve', { lua: RESERVE_LUA });
    team.client.defineCommand('conduitBudgetSettle', { lua: SETTLE_LUA });
    team.on('up', () => void this.flush());
  }

  /** Whether any team budget is set. */
  get active(): boolean {
    const b = this.settings().budgets;
    return b.dailyUsd !== undefined || b.monthlyUsd !== undefined;
  }

  async reserve(usd: number): Promise<TeamReserveOutcome> {
    const periods = this.periods();
    const micros = toMicros(usd);
    const keys = periods.map((p) => p.key);
    if (this.team.up) {
      try {
        await this.flush();
        const member = `${nodeCrypto().randomUUID()}|${micros}`;
        // No old member: the whole amount is taken.
        const refusal = await this.script('conduitBudgetReserve', periods, String(micros), ['', member], micros);
        return (
          refusal ?? { ok: true, reservation: { micros, keys, member, localMicros: 0, where: 'redis', done: false } }
        );
      } catch {
        // Redis went away between the check and the call: the offline share decides.
      }
    }
    const refusal = this.fitsLocally(periods, micros);
    if (refusal) return refusal;
    this.holdLocally(keys, micros);
    return { ok: true, reservation: { micros, keys, member: '', localMicros: 0, where: 'local', done: false } };
  }

  /**
   * Before a dearer fallback model is called: raises the reservation to that model's worst case,
   * atomically in Redis like a reserve, or from the offline share while Redis is away. False when
   * the team budget has no room for the difference; the reservation then stays as it was.
   */
  async raise(r: TeamReservation, usd: number): Promise<boolean> {
    const micros = toMicros(usd);
    const extra = micros - r.micros - r.localMicros;
    if (r.done || extra <= 0) return true;
    // The reservation's own periods, even if a day or month has turned since it was taken.
    const periods = this.periods().map((p, i) => ({ ...p, key: r.keys[i] ?? p.key }));
    if (r.where === 'redis' && this.team.up) {
      try {
        await this.flush();
        const total = r.micros + extra;
        const member = `${r.member.slice(0, r.member.lastIndexOf('|'))}|${total}`;
        const refusal = await this.script('conduitBudgetReserve', periods, String(total), [r.member, member], extra);
        if (refusal) return false;
        r.micros = total;
        r.member = member;
        return true;
      } catch {
        // Redis went away: the offline share decides, as for a reserve.
      }
    }
    if (this.fitsLocally(periods, extra)) return false;
    this.holdLocally(r.keys, extra);
    if (r.where === 'local') r.micros += extra;
    else r.localMicros += extra;
    return true;
  }

  settle(r: TeamReservation, actualUsd: number | null | undefined): void {
    if (r.done) return;
    r.done = true;
    const spent = toMicros(typeof actualUsd === 'number' ? actualUsd : 0);
    if (r.localMicros > 0) this.holdLocally(r.keys, -r.localMicros);
    if (r.where === 'local') {
      for (const key of r.keys) {
        const o = this.offline.get(key) ?? { spent: 0, reserved: 0 };
        o.reserved -= r.micros;
        o.spent += spent;
        this.offline.set(key, o);
      }
      // Offline spend counts in Redis too, once it is back.
      this.pendOfflineSpend(spent, r.keys);
      if (this.team.up) void this.flush();
      return;
    }
    this.pending.push({ reserved: r.micros, spent, keys: r.keys, member: r.member });
    void this.flush();
  }

  /**
   * Offline settles are sums with no reservation of their own in Redis, so those on the same
   * period keys are one write: the backlog grows with the periods an outage spans and the
   * requests in flight when it began (each settles its own Redis reservation), not with every
   * request served while Redis is away.
   */
  private pendOfflineSpend(spent: number, keys: readonly string[]): void {
    if (spent === 0) return;
    const same = this.pending.find(
      (op) => op.member === '' && op.keys.length === keys.length && op.keys.every((k, i) => k === keys[i]),
    );
    if (same) same.spent += spent;
    else this.pending.push({ reserved: 0, spent, keys, member: '' });
  }

  release(r: TeamReservation): void {
    this.settle(r, 0);
  }

  /** The team budgets as last known (Redis when connected, plus this daemon's offline spend). */
  async statuses(): Promise<BudgetStatus[]> {
    const out: BudgetStatus[] = [];
    for (const p of this.periods()) {
      if (p.limit === undefined) continue;
      let k = this.known.get(p.key) ?? { spent: 0, reserved: 0 };
      if (this.team.up) {
        try {
          const h = await this.team.client.hmget(p.key, 'spent', 'reserved');
          k = { spent: Number(h[0] ?? 0), reserved: Number(h[1] ?? 0) };
          this.known.set(p.key, k);
        } catch {
          /* last known */
        }
      }
      const o = this.offline.get(p.key) ?? { spent: 0, reserved: 0 };
      const unsynced = this.team.up ? 0 : o.spent;
      out.push(this.statusOf(p, k.spent + unsynced, k.reserved + (this.team.up ? 0 : o.reserved), p.limit));
    }
    return out;
  }

  /** Settles and offline spend not yet in Redis. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes what could not be written; the offline share starts afresh afterwards. */
  flush(): Promise<void> {
    return this.drainer.run();
  }

  private async drain(): Promise<boolean> {
    try {
      while (this.pending.length > 0 && this.team.up) {
        const op = this.pending[0]!;
        const { reserved, spent } = op;
        const ttls = op.keys.map((key) => String(this.ttlOf(key)));
        await this.call('conduitBudgetSettle', op.keys, [String(reserved), String(spent), ...ttls, op.member]);
        // Offline spend merged into this entry while it was being written stays for the next round.
        op.spent -= spent;
        if (op.spent === 0) this.pending.shift();
      }
      if (this.pending.length === 0) {
        // Everything spent offline is in Redis now; reservations still running offline keep their hold.
        for (const [key, o] of this.offline) this.offline.set(key, { spent: 0, reserved: o.reserved });
      }
      return true;
    } catch {
      // Still unreachable; the next reconnect tries again.
      return false;
    }
  }

  /**
   * Reserve or raise in Redis: undefined when granted, else the refusal for `needed` micro-dollars.
   * Either way the reply's figures become the last known state the offline share is cut from.
   */
  private async script(
    command: 'conduitBudgetReserve',
    periods: Period[],
    amount: string,
    members: string[],
    needed: number,
  ): Promise<Extract<TeamReserveOutcome, { ok: false }> | undefined> {
    const ttls = periods.map((p) => String(Math.max(60_000, p.resetsAt - this.now() + 86_400_000)));
    const now = this.now();
    const reply = (await this.call(
      command,
      periods.map((p) => p.key),
      [
        amount,
        ...periods.map((p) => String(p.limit === undefined ? -1 : toMicros(p.limit))),
        ...ttls,
        String(now),
        String(now + this.lapseMs),
        ...members,
      ],
    )) as number[];
    if (reply[0] === 1) {
      periods.forEach((p, i) =>
        this.known.set(p.key, { spent: Number(reply[1 + 2 * i]), reserved: Number(reply[2 + 2 * i]) }),
      );
      return undefined;
    }
    const p = periods[Number(reply[1]) - 1]!;
    const k = { spent: Number(reply[2]), reserved: Number(reply[3]) };
    this.known.set(p.key, k);
    return { ok: false, status: this.statusOf(p, k.spent, k.reserved, p.limit!), neededUsd: fromMicros(needed) };
  }

  /** A refusal when this daemon's offline share has no room for `micros` more; undefined when it has. */
  private fitsLocally(periods: Period[], micros: number): Extract<TeamReserveOutcome, { ok: false }> | undefined {
    const share = this.settings().offlineShare;
    for (const p of periods) {
      if (p.limit === undefined) continue;
      const k = this.known.get(p.key) ?? { spent: 0, reserved: 0 };
      const o = this.offline.get(p.key) ?? { spent: 0, reserved: 0 };
      // This daemon's share of what was left when it last heard from Redis, less its own
      // reservations then (its share of them is its own), less what it spent since.
      const left = toMicros(p.limit) - k.spent - k.reserved;
      const allowance = Math.floor(Math.max(0, left) * share);
      if (o.spent + o.reserved + micros > allowance) {
        return {
          ok: false,
          status: this.statusOf(
            p,
            k.spent + o.spent,
            k.reserved + o.reserved,
            p.limit,
            fromMicros(allowance - o.spent - o.reserved),
          ),
          neededUsd: fromMicros(micros),
        };
      }
    }
    return undefined;
  }

  /** Holds `micros` more (or gives back, when negative) of the offline share. */
  private holdLocally(keys: readonly string[], micros: number): void {
    for (const key of keys) {
      const o = this.offline.get(key) ?? { spent: 0, reserved: 0 };
      o.reserved += micros;
      this.offline.set(key, o);
    }
  }

  private periods(): Period[] {
    const at = this.now();
    const b = this.settings().budgets;
    // UTC for everyone: the team's members may sit in different time zones.
    return [
      {
        period: 'day',
        key: this.team.key('budget', `d:${dayKey(at, 0)}`),
        limit: b.dailyUsd,
        resetsAt: startOfDay(at, 0) + 86_400_000,
      },
      {
        period: 'month',
        key: this.team.key('budget', `m:${monthKey(at, 0)}`),
        limit: b.monthlyUsd,
        resetsAt: startOfNextMonth(at, 0),
      },
    ];
  }

  private ttlOf(key: string): number {
    // Kept a day past the period, for `conduit status` right after midnight.
    return key.includes(':d:') ? 2 * 86_400_000 : 32 * 86_400_000;
  }

  private statusOf(
    p: Period,
    spentMicros: number,
    reservedMicros: number,
    limit: number,
    remaining?: number,
  ): BudgetStatus {
    const spentUsd = fromMicros(spentMicros);
    const reservedUsd = fromMicros(reservedMicros);
    return {
      scope: 'team',
      period: p.period,
      limitUsd: limit,
      spentUsd,
      reservedUsd,
      remainingUsd: Math.max(0, remaining ?? limit - spentUsd - reservedUsd),
      resetsAt: p.resetsAt,
    };
  }

  /** KEYS are the period hashes, then their reservation sets. */
  private call(
    command: 'conduitBudgetReserve' | 'conduitBudgetSettle',
    keys: readonly string[],
    args: string[],
  ): Promise<unknown> {
    const client = this.team.client as unknown as Record<string, (n: number, ...a: string[]) => Promise<unknown>>;
    const all = [...keys, ...keys.map((k) => `${k}:res`)];
    return client[command]!(all.length, ...all, ...args);
  }
}
