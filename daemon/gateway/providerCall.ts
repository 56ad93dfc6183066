import type { ToolCallDelta } from '../../protocol';
import {
  UpstreamError,
  type ProviderAdapter,
  type ProviderRequest,
  type ProviderResponse,
  type ProviderStreamEvent,
} from '../providers/types';

/** What one successful provider call produced. */
export interface CallOutcome extends ProviderResponse {
  /** ms from the request's start to the first text; null when not streamed. */
  ttftMs: number | null;
}

export interface StreamSink {
  /**
   * Called for each piece of text, in order; a tool-call piece comes with `delta` ''. A promise
   * back means the client is behind: the next event is not asked for until it settles.
   */
  text(delta: string, toolCall?: ToolCallDelta): Promise<void> | undefined;
}

/** One call's fixed parts: the adapter, the request, where streamed text goes, and when the request started. */
export interface ProviderCall {
  adapter: ProviderAdapter;
  req: ProviderRequest;
  sink: StreamSink | undefined;
  /** performance.now() at the request's start, for the time to first token. */
  startedAt: number;
}

/** The parts of the executor's attempt context a call uses. */
export interface CallContext {
  signal: AbortSignal;
  /** Applies the first-byte and idle timeouts to the stream. */
  guard(events: AsyncIterable<ProviderStreamEvent>): AsyncIterable<ProviderStreamEvent>;
  /** Marks that the client has seen part of this answer, so it must not be retried. */
  commit(): void;
}

/**
 * One call to one provider: streamed into the sink, or in one piece. It knows nothing of retries;
 * a failure carries the text that already reached the sink so the caller can tell whether the
 * client saw anything.
 */
export async function callProvider(call: ProviderCall, ctx: CallContext): Promise<CallOutcome> {
  const { adapter, req, sink, startedAt } = call;
  if (!sink) {
    const res = await adapter.chat(req, ctx.signal);
    return { ...res, ttftMs: null };
  }
  const parts: string[] = [];
  let ttftMs: number | null = null;
  try {
    for await (const ev of ctx.guard(adapter.stream(req, ctx.signal))) {
      if (ev.type === 'text') {
        if (ttftMs === null) ttftMs = performance.now() - startedAt;
        parts.push(ev.text);
        ctx.commit();
        const behind = sink.text(ev.text);
        if (behind) await caughtUp(behind, ctx.signal);
      } else if (ev.type === 'tool_call') {
        if (ttftMs === null) ttftMs = performance.now() - startedAt;
        ctx.commit();
        const behind = sink.text('', ev.delta);
        if (behind) await caughtUp(behind, ctx.signal);
      } else {
        return {
          text: parts.join(''),
          model: ev.model,
          usage: ev.usage,
          stopReason: ev.stopReason,
          responseId: ev.responseId,
          headers: ev.headers,
          ttftMs,
          ...(ev.toolCalls ? { toolCalls: ev.toolCalls } : {}),
          ...(ev.adjusted ? { adjusted: ev.adjusted } : {}),
          ...(ev.stopSequence !== undefined ? { stopSequence: ev.stopSequence } : {}),
        };
      }
    }
  } catch (err) {
    if (err instanceof UpstreamError && err.partialText === undefined && parts.length > 0)
      err.partialText = parts.join('');
    throw err;
  }
  // Adapters promise a final `done`; a stream without one is incomplete, never a success.
  throw new UpstreamError({
    provider: adapter.id,
    kind: 'truncated',
    message: 'The stream ended before the provider finished the answer.',
    partialText: parts.join(''),
  });
}

/**
 * Waits until the client has caught up, or the attempt is aborted (a cancel, a deadline): an
 * aborted call must get back to its iterator, whose next read is what closes the upstream request.
 */
function caughtUp(behind: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void behind.then(done);
  });
}
