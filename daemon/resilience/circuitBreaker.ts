import type { ErrorCode } from '../../protocol';
import { isHealthFailure } from './healthFailure';

export interface BreakerSettings {
  /** Opens after this many failures in a row… */
  consecutiveFailures: number;
  /** …or when at least this share of the last `windowMs` of calls failed… */
  failureRate: number;
  /** …and there were at least this many of them. */
  minRequests: number;
  windowMs: number;
  /** How long it stays open before one probe may go through. */
  openMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What `conduit status --json` shows for one provider/model. Times are the clock's ms (epoch by default). */
export interface BreakerSnapshot {
  key: string;
  state: BreakerState;
  /** Failures in a row. */
  failures: number;
  /** Calls and failures in the current window. */
  windowRequests: number;
  windowFailures: number;
  openedAt: number | null;
  nextProbeAt: number | null;
  lastFailure: ErrorCode | null;
}

/**
 * The right to make one call, and the duty to report how it went exactly once. A permit from
 * before the circuit changed state reports into nothing: a slow call that started while it was
 * closed must not close a circuit that has since opened.
 */
export interface BreakerPermit {
  success(): void;
  /** Counted only if the code is a health failure; any other code counts as a success. */
  failure(code: ErrorCode): void;
  /** Neither: the call was cancelled. A half-open circuit lets another probe through. */
  release(): void;
}

export type BreakerListener = (snapshot: BreakerSnapshot) => void;

export interface BreakerOptions {
  now?: () => number;
  isFailure?: (code: ErrorCode) => boolean;
}

interface Outcome {
  at: number;
  failed: boolean;
}

/**
 * The most outcomes the failure rate looks at. Outcomes were pruned by time only when a call
 * failed, so a breaker that saw only successes kept one per request for ever (heap growth over
 * many requests): the window is bounded by count as well as by time.
 */
export const MAX_WINDOW_OUTCOMES = 1000;

/**
 * A circuit breaker for one provider/model. Time moves only when asked (no timers): an open
 * circuit turns half-open the first time someone looks after `openMs`, so fake clocks just work.
 */
export class CircuitBreaker {
  readonly #now: () => number;
  readonly #isFailure: (code: ErrorCode) => boolean;
  readonly #settings: () => BreakerSettings;
  readonly #listeners = {
    break: new Set<BreakerListener>(),
    halfOpen: new Set<BreakerListener>(),
    reset: new Set<BreakerListener>(),
  };
  #state: BreakerState = 'closed';
  /** Bumped on every state change, so stale permits are ignored. */
  #generation = 0;
  #consecutive = 0;
  #window: Outcome[] = [];
  #openedAt: number | null = null;
  #probeInFlight = false;
  #lastFailure: ErrorCode | null = null;

  constructor(
    readonly key: string,
    settings: BreakerSettings | (() => BreakerSettings),
    options: BreakerOptions = {},
  ) {
    this.#settings = typeof settings === 'function' ? settings : () => settings;
    this.#now = options.now ?? Date.now;
    this.#isFailure = options.isFailure ?? isHealthFailure;
  }

  /** How many outcomes the breaker holds now (at most twice MAX_WINDOW_OUTCOMES). */
  get outcomesHeld(): number {
    return this.#window.length;
  }

  get state(): BreakerState {
    this.#refresh();
    return this.#state;
  }

  /** A permit to call now, or null: open, or half-open with its one probe already out. */
  tryAcquire(): BreakerPermit | null {
    this.#refresh();
    if (this.#state === 'open') return null;
    if (this.#state === 'half-open') {
      if (this.#probeInFlight) return null;
      this.#probeInFlight = true;
    }
    return this.#permit(this.#generation);
  }

  snapshot(): BreakerSnapshot {
    this.#refresh();
    const window = this.#prunedWindow();
    const nextProbeAt = this.#openedAt === null ? null : this.#openedAt + this.#settings().openMs;
    return {
      key: this.key,
      state: this.#state,
      failures: this.#consecutive,
      windowRequests: window.length,
      windowFailures: window.filter((o) => o.failed).length,
      openedAt: this.#openedAt,
      nextProbeAt: this.#state === 'closed' ? null : nextProbeAt,
      lastFailure: this.#lastFailure,
    };
  }

  onBreak(listener: BreakerListener): () => void {
    return subscribe(this.#listeners.break, listener);
  }

  onHalfOpen(listener: BreakerListener): () => void {
    return subscribe(this.#listeners.halfOpen, listener);
  }

  onReset(listener: BreakerListener): () => void {
    return subscribe(this.#listeners.reset, listener);
  }

  #permit(generation: number): BreakerPermit {
    let settled = false;
    const settle = (outcome: 'success' | 'failure' | 'release', code?: ErrorCode): void => {
      if (settled) return;
      settled = true;
      if (generation !== this.#generation) return;
      if (outcome === 'release') {
        this.#probeInFlight = false;
        return;
      }
      const failed = outcome === 'failure' && code !== undefined && this.#isFailure(code);
      if (failed) this.#lastFailure = code ?? null;
      this.#record(failed);
    };
    return {
      success: () => settle('success'),
      failure: (code) => settle('failure', code),
      release: () => settle('release'),
    };
  }

  #record(failed: boolean): void {
    const now = this.#now();
    if (this.#state === 'half-open') {
      this.#probeInFlight = false;
      if (failed) this.#open(now);
      else this.#close();
      return;
    }
    this.#consecutive = failed ? this.#consecutive + 1 : 0;
    this.#window.push({ at: now, failed });
    // One copy per MAX_WINDOW_OUTCOMES calls at most, not one per call.
    if (this.#window.length >= 2 * MAX_WINDOW_OUTCOMES) this.#prunedWindow();
    if (failed && this.#shouldTrip()) this.#open(now);
  }

  #shouldTrip(): boolean {
    const s = this.#settings();
    if (this.#consecutive >= s.consecutiveFailures) return true;
    const window = this.#prunedWindow();
    if (window.length < s.minRequests) return false;
    return window.filter((o) => o.failed).length / window.length >= s.failureRate;
  }

  #prunedWindow(): Outcome[] {
    const since = this.#now() - this.#settings().windowMs;
    const firstKept = this.#window.findIndex((o) => o.at > since);
    this.#window =
      firstKept === -1 ? [] : this.#window.slice(Math.max(firstKept, this.#window.length - MAX_WINDOW_OUTCOMES));
    return this.#window;
  }

  #open(now: number): void {
    this.#state = 'open';
    this.#generation++;
    this.#openedAt = now;
    this.#probeInFlight = false;
    emit(this.#listeners.break, this.snapshot());
  }

  #close(): void {
    this.#state = 'closed';
    this.#generation++;
    this.#openedAt = null;
    this.#consecutive = 0;
    this.#window = [];
    emit(this.#listeners.reset, this.snapshot());
  }

  #refresh(): void {
    if (this.#state !== 'open' || this.#openedAt === null) return;
    if (this.#now() < this.#openedAt + this.#settings().openMs) return;
    this.#state = 'half-open';
    this.#generation++;
    this.#probeInFlight = false;
    emit(this.#listeners.halfOpen, this.snapshot());
  }
}

function subscribe(set: Set<BreakerListener>, listener: BreakerListener): () => void {
  set.add(listener);
  return () => set.delete(listener);
}

function emit(set: Set<BreakerListener>, snapshot: BreakerSnapshot): void {
  for (const listener of set) listener(snapshot);
}
