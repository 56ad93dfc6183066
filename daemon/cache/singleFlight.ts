import type { ToolCallDelta } from '../../protocol';

/** Receives streamed text and tool-call pieces; each caller has its own (with its own sequence numbers). */
export interface FlightSink {
  /** A promise back: this caller's client is behind (see ChatSink). */
  text(delta: string, toolCall?: ToolCallDelta): Promise<void> | undefined;
}

interface Flight<T> {
  controller: AbortController;
  promise: Promise<T>;
  /** Text sent so far, replayed to a streaming caller that joins late. */
  sent: Array<[string, ToolCallDelta | undefined]>;
  sinks: Set<FlightSink>;
  /** Callers still waiting (not cancelled). */
  waiting: number;
}

export class FlightCancelled extends Error {
  override name = 'FlightCancelled';
}

/**
 * Single flight: identical requests in flight share one upstream call. The first caller leads;
 * the call runs under the flight's own signal, which aborts only when every caller has cancelled,
 * so one impatient caller never takes the answer away from the others.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  get inFlight(): number {
    return this.flights.size;
  }

  /**
   * Joins the flight for `key`, or starts it with `start`. A caller's own abort rejects only its
   * own promise, at once.
   */
  run(
    key: string,
    signal: AbortSignal,
    sink: FlightSink | undefined,
    start: (signal: AbortSignal, sink: FlightSink) => Promise<T>,
  ): { leader: boolean; result: Promise<T> } {
    let flight = this.flights.get(key);
    const leader = flight === undefined;
    if (!flight) {
      const controller = new AbortController();
      const f: Flight<T> = {
        controller,
        promise: Promise.resolve() as Promise<T>,
        sent: [],
        sinks: new Set(),
        waiting: 0,
      };
      const broadcast: FlightSink = {
        text: (delta, toolCall) => {
          f.sent.push([delta, toolCall]);
          // The shared upstream goes at the pace of its slowest reader: any faster, and that
          // reader's chunks would pile up unsent in the daemon.
          let behind: Promise<unknown>[] | undefined;
          for (const s of f.sinks) {
            const wait = s.text(delta, toolCall);
            if (wait) (behind ??= []).push(wait);
          }
          return behind && Promise.all(behind).then(() => undefined);
        },
      };
      f.promise = start(controller.signal, broadcast).finally(() => {
        if (this.flights.get(key) === f) this.flights.delete(key);
      });
      this.flights.set(key, f);
      flight = f;
    }
    const f = flight;
    f.waiting++;
    if (sink) {
      // The replay is text already held in `sent`, so it is written without waiting.
      for (const [delta, toolCall] of f.sent) void sink.text(delta, toolCall);
      f.sinks.add(sink);
    }
    const result = new Promise<T>((resolve, reject) => {
      let done = false;
      const leave = () => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        if (sink) f.sinks.delete(sink);
        f.waiting--;
      };
      const onAbort = () => {
        leave();
        reject(new FlightCancelled('The request was cancelled.'));
        if (f.waiting === 0) {
          // Nobody is left to answer: stop the upstream call, and let the next caller start afresh.
          if (this.flights.get(key) === f) this.flights.delete(key);
          f.controller.abort();
        }
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (v) => {
          leave();
          resolve(v);
        },
        (err: unknown) => {
          leave();
          reject(err);
        },
      );
    });
    return { leader, result };
  }
}
