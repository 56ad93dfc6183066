import type { AggregateQuery, AggregateResult } from './rollupAggregate';
import { HOUR_MS } from './rollupSchema';
import { floorTo } from './rollupPlan';
import type { SqliteDb } from './sqlite';

/** Answers kept per connection; the least recently asked goes first. */
export const MEMO_ENTRIES = 8;
/** Larger answers are not kept: a group with sketches holds two 12 kB arrays. */
const MAX_GROUPS = { sketches: 4, sums: 128 } as const;

/**
 * The first row at or after each edge of the range, when the answer was computed: a range that
 * moved since, without passing one of them, holds the same rows.
 */
const EDGES_SQL = `SELECT (SELECT MIN(started_at) FROM requests WHERE started_at >= ?) AS since_next,
  (SELECT MIN(started_at) FROM requests WHERE started_at >= ?) AS until_next`;

interface Entry {
  generation: number;
  since: number;
  until: number;
  /** The first row at or after `since` (Infinity: none). */
  sinceNext: number;
  /** The first row at or after `until`; none is expected, but the clock may have been set back. */
  untilNext: number;
  result: AggregateResult;
}

/**
 * The last answers to the questions an idle daemon repeats every minute (the alert monitor's daily
 * costs and cache counts, the status bar's spend today), so that they do not wake the SQLite
 * thread when nothing changed. An answer is given again only when it is the one SQLite would give:
 * - no write since it was computed (the connection's write generation: every insert, journal
 *   replay, fold, compaction, retention batch, migration, rollback);
 * - the same question (filters, grouping, offset, sketches), each edge still in the same hour, so
 *   the plan (which hours and days the rollups answer, rounding where raw rows are gone) is the same;
 * - no row between where each edge was and where it is now: a sliding window (the cache baseline
 *   ending an hour ago) that a row entered or left since is asked again.
 * Answers are shared: callers read them and never change them.
 */
export class AggregateMemo {
  private readonly entries = new Map<string, Entry>();
  /** Questions answered here, and asked of SQLite; tests and the bench read them. */
  hits = 0;
  misses = 0;

  constructor(private readonly db: SqliteDb) {}

  get size(): number {
    return this.entries.size;
  }

  async answer(q: AggregateQuery, compute: () => Promise<AggregateResult>): Promise<AggregateResult> {
    const key = keyOf(q);
    const generation = this.db.writes;
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation && holdsSameRows(hit, q)) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits++;
      return hit.result;
    }
    this.misses++;
    const result = await compute();
    if (q.until <= q.since || result.groups.size > MAX_GROUPS[q.sketches ? 'sketches' : 'sums']) return result;
    const edges = await this.db
      .get<{ since_next: number | null; until_next: number | null }>(EDGES_SQL, [q.since, q.until])
      .catch(() => undefined);
    // A write since the question began may or may not be in the answer: not kept.
    if (!edges || this.db.writes !== generation) return result;
    this.entries.delete(key);
    this.entries.set(key, {
      generation,
      since: q.since,
      until: q.until,
      sinceNext: edges.since_next ?? Infinity,
      untilNext: edges.until_next ?? Infinity,
      result,
    });
    while (this.entries.size > MEMO_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return result;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Rows in [a, b) exist iff the first row at or after a is before b. */
function holdsSameRows(e: Entry, q: AggregateQuery): boolean {
  return q.since >= e.since && q.since <= e.sinceNext && q.until >= e.until && q.until <= e.untilNext;
}

function keyOf(q: AggregateQuery): string {
  return JSON.stringify([
    floorTo(q.since, HOUR_MS),
    floorTo(q.until, HOUR_MS),
    q.groupBy,
    q.utcOffsetMinutes,
    q.sketches,
    q.errorDetail ?? true,
    q.filters ?? null,
  ]);
}

const memos = new WeakMap<SqliteDb, AggregateMemo>();

/** The memo of one connection (a ledger opened again gets a new one). */
export function aggregateMemo(db: SqliteDb): AggregateMemo {
  let memo = memos.get(db);
  if (!memo) memos.set(db, (memo = new AggregateMemo(db)));
  return memo;
}
