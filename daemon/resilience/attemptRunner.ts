import type { ProviderId } from '../../protocol';
import type { ProviderStreamEvent } from '../providers/types';
import { AttemptTimeout } from './attemptTimeout';
import type { AttemptTimeouts, Deadline } from './resilienceSettings';
import { guardStream } from './streamTimeouts';
import type { Timers } from './timers';

/** What one attempt is given. */
export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** This attempt's own signal: aborted on a timeout, at the deadline, or when the caller cancels. */
  readonly signal: AbortSignal;
  /**
   * Call when something of this attempt's answer reached the client (the first chunk sent).
   * From then on a failure is never retried: it ends as `stream_interrupted` with the partial text.
   */
  commit(): void;
  readonly committed: boolean;
  /** Wrap the adapter's stream with it, for the first-byte and idle timeouts. */
  guard(events: AsyncIterable<ProviderStreamEvent>): AsyncIterable<ProviderStreamEvent>;
}

export interface AttemptSetup {
  provider: ProviderId;
  attempt: number;
  mode: 'stream' | 'call';
  timeouts: AttemptTimeouts;
  deadline?: Deadline;
  timers: Timers;
  callerSignal: AbortSignal;
}

export type AttemptOutcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: unknown;
      /** Set when the attempt was aborted: an AttemptTimeout, or the caller's reason. */
      abortReason: unknown;
      committed: boolean;
      /** The text that went through `guard`. */
      partialText: string;
    };

/**
 * Runs one attempt under its own AbortController, linked to the caller's signal, with the
 * deadline and (for non-streamed calls) the response timer. It settles the moment the attempt's
 * signal aborts, whether or not the attempt function has noticed yet.
 */
export async function runAttempt<T>(
  fn: (ctx: AttemptContext) => Promise<T>,
  setup: AttemptSetup,
): Promise<AttemptOutcome<T>> {
  const { timers, callerSignal, timeouts } = setup;
  const controller = new AbortController();
  const abortWith = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onCallerAbort = (): void => abortWith(callerSignal.reason);
  if (callerSignal.aborted) onCallerAbort();
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });

  const handles: unknown[] = [];
  if (setup.deadline) {
    const { at, totalMs } = setup.deadline;
    handles.push(
      timers.setTimeout(() => abortWith(new AttemptTimeout('deadline', totalMs)), Math.max(0, at - timers.now())),
    );
  }
  if (setup.mode === 'call') {
    handles.push(
      timers.setTimeout(() => abortWith(new AttemptTimeout('first byte', timeouts.callMs)), timeouts.callMs),
    );
  }

  let committed = false;
  let partialText = '';
  const ctx: AttemptContext = {
    attempt: setup.attempt,
    signal: controller.signal,
    commit: () => {
      committed = true;
    },
    get committed() {
      return committed;
    },
    guard: (events) =>
      guardStream(events, {
        provider: setup.provider,
        firstByteMs: timeouts.firstByteMs,
        idleMs: timeouts.streamIdleMs,
        onTimeout: abortWith,
        onText: (text) => {
          partialText += text;
        },
        timers,
      }),
  };

  try {
    const value = await untilAborted(invoke(fn, ctx), controller.signal);
    return { ok: true, value };
  } catch (error) {
    const abortReason = controller.signal.aborted ? (controller.signal.reason as unknown) : undefined;
    // Whatever failed, the SDK call must not live on: this closes its socket.
    abortWith(error);
    return { ok: false, error, abortReason, committed, partialText };
  } finally {
    for (const handle of handles) timers.clearTimeout(handle);
    callerSignal.removeEventListener('abort', onCallerAbort);
  }
}

function invoke<T>(fn: (ctx: AttemptContext) => Promise<T>, ctx: AttemptContext): Promise<T> {
  try {
    return Promise.resolve(fn(ctx));
  } catch (err) {
    return Promise.reject(err);
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
