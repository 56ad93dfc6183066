import * as v8 from 'node:v8';
import { minorGc } from '../platform/fullGc';

/**
 * How full the young generation may be when the last request in flight ends before it is
 * collected there and then. A scavenge otherwise comes when the young generation fills, most
 * often in the middle of a request: inside the time to first token of 33 streams in 600. At 0.75
 * the daemon's 4 MB young generation keeps room for two or three streams' garbage (about 370 kB
 * each), 1 stream in 600 still met a scavenge, and there were 9 % more of them; at 0.5, 59 % more
 * for the same effect (docs/performance.md, "Sixth pass").
 */
export const SCAVENGE_AT = 0.75;

export interface YoungUse {
  used: number;
  capacity: number;
}

export interface IdleScavengeDeps {
  /** From 0 to 1: a young generation at least this full is collected when the daemon falls idle. */
  at: number;
  youngUse: () => YoungUse;
  /** A young-generation collection; undefined where the runtime gives none. */
  scavenge: (() => void) | undefined;
  /** Runs `fn` after what this turn of the event loop has queued (the reply, its log line). */
  defer?: (fn: () => void) => void;
}

/**
 * Collects the young generation between requests rather than during one: when the last request
 * in flight ends and the young generation is at least `at` full, a scavenge runs once the reply
 * and the work queued after it have gone. Its cost is the objects still alive, fewest when no
 * request is running, and the next request starts with room for its own garbage. Under steady
 * concurrency the daemon is never idle and V8 collects as before.
 */
export class IdleScavenge {
  private inFlight = 0;
  private queued = false;
  private readonly defer: (fn: () => void) => void;

  constructor(private readonly deps: IdleScavengeDeps) {
    this.defer = deps.defer ?? ((fn) => setImmediate(fn));
  }

  /** How full the young generation must be; 0 when off. */
  get threshold(): number {
    return this.deps.at;
  }

  readonly requestStarted = (): void => {
    this.inFlight++;
  };

  readonly requestEnded = (): void => {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight > 0 || this.queued || !this.deps.scavenge || this.deps.at <= 0) return;
    this.queued = true;
    this.defer(() => {
      this.queued = false;
      // A request that arrived in the meantime runs without a pause of ours.
      if (this.inFlight > 0) return;
      const { used, capacity } = this.deps.youngUse();
      if (capacity > 0 && used >= this.deps.at * capacity) this.deps.scavenge?.();
    });
  };
}

/** The young generation's use now: V8's new space, its bytes in use against its current size. */
export function youngUse(): YoungUse {
  const s = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  return s
    ? { used: s.space_used_size, capacity: s.space_used_size + s.space_available_size }
    : { used: 0, capacity: 0 };
}

/**
 * The daemon's idle scavenge. CONDUIT_IDLE_SCAVENGE sets how full (0 to 1) the young generation
 * must be; 0 turns it off. The collector is found at the first idle moment, not at start.
 */
export function startIdleScavenge(env: NodeJS.ProcessEnv = process.env): IdleScavenge {
  const raw = env.CONDUIT_IDLE_SCAVENGE;
  const at = raw !== undefined && raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : SCAVENGE_AT;
  let scavenge: (() => void) | undefined | null = null;
  return new IdleScavenge({
    at,
    youngUse,
    get scavenge() {
      if (scavenge === null) scavenge = minorGc();
      return scavenge;
    },
  });
}
