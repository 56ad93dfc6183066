import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { FakeProviderServer } from '../../../fakes/fakeProvider';
import type { ToolCallDelta } from '../../../../protocol';
import type { ProviderRequest, ProviderStreamEvent } from '../../../../daemon/providers/types';
import { UpstreamError } from '../../../../daemon/providers/types';

export type DoneEvent = Extract<ProviderStreamEvent, { type: 'done' }>;

export function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return { model: 'test-model', messages: [{ role: 'user', content: 'Say hello' }], maxTokens: 256, ...overrides };
}

/** Drains a stream that must complete: the text events, tool-call pieces, and the one `done` that ends it. */
export async function drain(
  stream: AsyncIterable<ProviderStreamEvent>,
): Promise<{ texts: string[]; toolDeltas: ToolCallDelta[]; done: DoneEvent }> {
  const texts: string[] = [];
  const toolDeltas: ToolCallDelta[] = [];
  const dones: DoneEvent[] = [];
  for await (const ev of stream) {
    expect(dones, 'nothing may follow done').toHaveLength(0);
    if (ev.type === 'text') texts.push(ev.text);
    else if (ev.type === 'tool_call') toolDeltas.push(ev.delta);
    else dones.push(ev);
  }
  expect(dones).toHaveLength(1);
  const done = dones[0];
  if (!done) throw new Error('no done event');
  return { texts, toolDeltas, done };
}

/** Drains a stream that must fail; returns the text that came first and the UpstreamError. */
export async function drainToError(
  stream: AsyncIterable<ProviderStreamEvent>,
): Promise<{ texts: string[]; error: UpstreamError }> {
  const texts: string[] = [];
  try {
    for await (const ev of stream) {
      if (ev.type === 'text') texts.push(ev.text);
      else if (ev.type === 'done') throw new Error('stream completed but was expected to fail');
    }
  } catch (err) {
    if (err instanceof UpstreamError) return { texts, error: err };
    throw err;
  }
  throw new Error('stream ended without an error');
}

export async function upstreamError(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UpstreamError) return err;
    throw err;
  }
  throw new Error('expected an UpstreamError');
}

/** Opens a stream, reads the first text, aborts, and reports how long the fake took to see it. */
export async function abortAfterFirstText(
  stream: (signal: AbortSignal) => AsyncIterable<ProviderStreamEvent>,
  waitForAbort: () => Promise<number>,
): Promise<{ error: UpstreamError; closeMs: number }> {
  const ac = new AbortController();
  const iterator = stream(ac.signal)[Symbol.asyncIterator]();
  const first = await iterator.next();
  expect(first.value).toMatchObject({ type: 'text' });
  // Handled from the start, so its rejection is never unhandled while we wait for the fake.
  const outcome = upstreamError(iterator.next());
  const abortedAt = Date.now();
  ac.abort();
  const seenAt = await waitForAbort();
  const error = await outcome;
  return { error, closeMs: seenAt - abortedAt };
}

/** A port nothing listens on, for connection failures. */
export const closedPortURL = 'http://127.0.0.1:9';

/**
 * The frame of an adapter test file: a fake provider started once and reset before each test,
 * and the adapter under test built against it. Read both through the returned holder.
 */
export function useAdapter<A>(make: (fake: FakeProviderServer) => A): {
  readonly fake: FakeProviderServer;
  readonly adapter: A;
} {
  const holder = {} as { fake: FakeProviderServer; adapter: A };
  beforeAll(async () => {
    holder.fake = await FakeProviderServer.start();
    holder.adapter = make(holder.fake);
  });
  afterAll(async () => {
    await holder.fake.stop();
  });
  beforeEach(() => holder.fake.reset());
  return holder;
}

/** A signal nobody aborts. */
export const signal = (): AbortSignal => new AbortController().signal;
