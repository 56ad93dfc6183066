import * as v8 from 'node:v8';
import type { LogFn } from '../log/logFn';
import { SqliteThread } from '../usage/sqliteThread';
import { fullGc } from '../platform/fullGc';
import { compactingGc } from '../platform/compactingGc';

/** How long without a request (or, for the SQLite thread, without a database message) before the trim. */
export const IDLE_TRIM_MS = 20_000;
/**
 * Once trimmed, how long the SQLite thread stays awake after a wake by the daemon's own timers
 * (sqliteThread.ts, sleepSoonAfterWake): their work is a few queries, done within milliseconds.
 */
export const BACKGROUND_WAKE_MS = 2_000;

export interface IdleTrimDeps {
  quietMs: number;
  /** What the trim does once the daemon has been quiet for `quietMs`. */
  trim: () => void;
  /** The first request after a trim has started: the daemon is in use again. */
  resumed?: () => void;
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
  clearTimer?: (timer: unknown) => void;
}

/**
 * Trims the main isolate once no request has run for `quietMs`: once per quiet spell, not again
 * until a request has come and gone. The extension stays connected all day, so "idle" here is
 * about requests, not clients (the idle timer that stops the daemon counts clients).
 */
export class IdleTrim {
  private inFlight = 0;
  private timer: unknown;
  private trimmed = false;
  private readonly setTimer: NonNullable<IdleTrimDeps['setTimer']>;
  private readonly clearTimer: NonNullable<IdleTrimDeps['clearTimer']>;

  constructor(private readonly deps: IdleTrimDeps) {
    this.setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  readonly requestStarted = (): void => {
    this.inFlight++;
    this.disarm();
    if (this.trimmed) {
      this.trimmed = false;
      this.deps.resumed?.();
    }
  };

  readonly requestEnded = (): void => {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight > 0 || this.deps.quietMs <= 0) return;
    // One timer per request would cost a timer per reply; re-arming only when none is set costs one per spell.
    this.disarm();
    const timer = this.setTimer(() => {
      this.timer = undefined;
      if (this.inFlight > 0) return;
      this.trimmed = true;
      this.deps.trim();
    }, this.deps.quietMs);
    timer.unref?.();
    this.timer = timer;
  };

  /** The daemon has started: its start-up allocations are trimmed too if no request comes. */
  started(): void {
    this.inFlight++;
    this.requestEnded();
  }

  stop(): void {
    this.disarm();
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }
}

const mb = (bytes: number): number => +(bytes / 2 ** 20).toFixed(1);

/** V8's heap spaces that hold resident memory, in MB (new_space, old_space, code_space…). */
function residentSpaces(): Record<string, number> {
  const spaces: Record<string, number> = {};
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.physical_space_size >= 2 ** 20) spaces[s.space_name] = mb(s.physical_space_size);
  }
  return spaces;
}

function oldSpaceMb(): number {
  return mb(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.physical_space_size ?? 0);
}

/**
 * The daemon's idle trim (issue #23): after a quiet spell the SQLite thread closes its
 * connections and ends its isolate (sqliteThread.ts; the next database message starts it again),
 * and the main isolate runs a full GC that compacts its old space (compactingGc.ts), so an idle
 * daemon goes back to about its start-up size.
 * CONDUIT_IDLE_TRIM_MS sets the quiet spell (0 turns the trim off; tests set it short).
 */
export function startIdleTrim(deps: { log: LogFn; env?: NodeJS.ProcessEnv; afterTrim?: () => void }): IdleTrim {
  const raw = (deps.env ?? process.env).CONDUIT_IDLE_TRIM_MS;
  const quietMs = raw !== undefined && raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : IDLE_TRIM_MS;
  SqliteThread.setIdleSleep({
    quietMs,
    onSleep: ({ connections }) => deps.log('info', 'idle trim: the SQLite thread is asleep', { connections }),
    onWake: ({ connections }) => deps.log('debug', 'idle trim: the SQLite thread is awake again', { connections }),
  });
  // Found at the first trim, not at start: the context that hands it over costs memory of its own.
  let gc: (() => void) | undefined | null = null;
  const trim = new IdleTrim({
    quietMs,
    trim: () => {
      if (gc === null) gc = fullGc();
      const before = process.memoryUsage();
      const oldBefore = oldSpaceMb();
      const compacted = gc ? compactingGc(gc) : false;
      const after = process.memoryUsage();
      deps.log('info', 'idle trim: memory', {
        gc: gc !== undefined,
        compacted,
        // The old space's resident size before and after: what compacting it gave back.
        oldSpaceMb: [oldBefore, oldSpaceMb()],
        rssMb: mb(after.rss),
        heapUsedMb: mb(after.heapUsed),
        freedMb: mb(before.heapUsed - after.heapUsed),
        // What stays resident after the GC, by owner: V8's spaces, then native memory V8 knows of.
        spacesMb: residentSpaces(),
        externalMb: mb(after.external),
      });
      // Until the next request, the daemon's own minute timers wake the SQLite thread only briefly.
      SqliteThread.sleepSoonAfterWake(Math.min(BACKGROUND_WAKE_MS, quietMs));
      deps.afterTrim?.();
    },
    resumed: () => SqliteThread.sleepSoonAfterWake(0),
  });
  trim.started();
  return trim;
}
