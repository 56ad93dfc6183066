import type { ProviderId } from '../../protocol';
import type { ProviderStreamEvent } from '../providers/types';
import { AttemptTimeout, timeoutUpstreamError } from './attemptTimeout';
import { systemTimers, type Timers } from './timers';

export interface StreamTimeoutOptions {
  provider: ProviderId;
  /** From asking for the first event until it arrives. */
  firstByteMs: number;
  /** Between two events. Adapters never yield pings, so a server that only pings is idle. */
  idleMs: number;
  /** Called once when a timer fires: abort the attempt here, so the SDK closes the socket. */
  onTimeout(timeout: AttemptTimeout): void;
  /** Every text delta that passes, in order (the executor keeps the partial text with it). */
  onText?(text: string): void;
  timers?: Timers;
}

/**
 * Wraps an adapter's stream with a first-byte and an idle timeout. On either it aborts the attempt
 * and throws an UpstreamError of kind 'timeout' that names the phase and carries the text so far,
 * without waiting for the SDK to notice the abort. Time the consumer spends between reads does not
 * count: only waiting on the provider does.
 */
export async function* guardStream(
  events: AsyncIterable<ProviderStreamEvent>,
  options: StreamTimeoutOptions,
): AsyncGenerator<ProviderStreamEvent, void, undefined> {
  const timers = options.timers ?? systemTimers;
  const iterator = events[Symbol.asyncIterator]();
  let partial = '';
  let first = true;
  let finished = false;
  try {
    for (;;) {
      const phase = first ? 'first byte' : 'stream idle';
      const ms = first ? options.firstByteMs : options.idleMs;
      const result = await within(iterator.next(), ms, timers, () => {
        const timeout = new AttemptTimeout(phase, ms);
        options.onTimeout(timeout);
        return timeoutUpstreamError(options.provider, timeout, partial);
      });
      if (result.done) {
        finished = true;
        return;
      }
      first = false;
      if (result.value.type === 'text') {
        partial += result.value.text;
        options.onText?.(result.value.text);
      }
      yield result.value;
    }
  } finally {
    // On a timeout or an early exit, let the adapter's stream clean up, without waiting for it:
    // its pending read only settles once the aborted SDK call unwinds.
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/** `promise`, or the error `onExpire` builds if it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, timers: Timers, onExpire: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = timers.setTimeout(() => reject(onExpire()), ms);
    promise.then(
      (value) => {
        timers.clearTimeout(handle);
        resolve(value);
      },
      (err: unknown) => {
        timers.clearTimeout(handle);
        reject(err);
      },
    );
  });
}
