import type { ProviderId, ToolCallDelta } from '../../protocol';
import { abortedError, truncatedError } from './commonErrors';
import type { ProviderStreamEvent, UpstreamError } from './types';

export type DoneEvent = Extract<ProviderStreamEvent, { type: 'done' }>;

/** Folds one provider's stream events into text deltas and the final `done`. */
export interface StreamAccumulator<Event> {
  /** Takes one event; returns the text it adds ('' when none). */
  push(event: Event): string;
  /** Tool-call pieces the events so far added, taken once each; absent for text-only streams. */
  takeToolCalls?(): ToolCallDelta[];
  /** True once the provider's end marker has arrived. */
  readonly complete: boolean;
  /** The end marker, named for the truncation message. */
  readonly endMarker: string;
  done(headers: Record<string, string>): DoneEvent;
}

export interface OpenedStream<Event> {
  events: AsyncIterable<Event>;
  headers: Record<string, string>;
}

export interface StreamRun<Event> {
  provider: ProviderId;
  signal: AbortSignal;
  open(): Promise<OpenedStream<Event>>;
  accumulator: StreamAccumulator<Event>;
  /** `started` is true once the provider answered 200: an error now is in-band or a broken stream. */
  toError(err: unknown, started: boolean): UpstreamError;
}

/**
 * The part of streaming every adapter shares: yield text as it comes, carry the text so far on
 * any failure, and refuse to call a stream complete without its end marker, because some SDKs
 * end the iteration quietly when the connection closes early or when the signal aborts.
 */
export async function* runStream<Event>(run: StreamRun<Event>): AsyncGenerator<ProviderStreamEvent, void, undefined> {
  const { accumulator, signal } = run;
  let partial = '';
  let started = false;
  let headers: Record<string, string>;
  try {
    const opened = await run.open();
    started = true;
    headers = opened.headers;
    for await (const event of opened.events) {
      const text = accumulator.push(event);
      if (text) {
        partial += text;
        yield { type: 'text', text };
      }
      for (const delta of accumulator.takeToolCalls?.() ?? []) yield { type: 'tool_call', delta };
    }
  } catch (err) {
    const upstream = signal.aborted ? abortedError(run.provider, err) : run.toError(err, started);
    if (started) upstream.partialText = partial;
    throw upstream;
  }
  if (signal.aborted) {
    const err = abortedError(run.provider);
    err.partialText = partial;
    throw err;
  }
  if (!accumulator.complete) throw truncatedError(run.provider, partial, accumulator.endMarker);
  yield accumulator.done(headers);
}
