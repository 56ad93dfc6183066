import type { ServerResponse } from 'node:http';
import type { StreamFault } from './script';
import type { SseEvent } from './sse';
import { frameSse } from './sse';
import type { PlannedEvent } from './wireFormat';

/** A fully decided response: what to send, and how badly. */
export interface ResponsePlan {
  status: number;
  headers: Record<string, string>;
  body:
    | { kind: 'fixed'; text: string }
    | { kind: 'sse'; events: PlannedEvent[] }
    /** A recorded SSE body, already framed, one string per event. */
    | { kind: 'rawSse'; events: string[] };
  headerDelayMs: number;
  holdUntil?: Promise<unknown>;
  chunkDelayMs: number;
  byteByByte: boolean;
  eol: '\n' | '\r\n';
  fault?: StreamFault;
  hold?: { afterDeltas: number; until: Promise<void> };
  /** The in-band error event for an `sseError` fault. */
  faultEvent?: SseEvent;
  ping: SseEvent;
  /** Framing other than SSE: Bedrock's binary event stream. */
  encode?: (event: SseEvent) => Uint8Array;
}

/** An event as its wire frame: the plan's own framing, or SSE. */
function frame(plan: ResponsePlan, event: SseEvent): string | Uint8Array {
  return plan.encode ? plan.encode(event) : frameSse(event, plan.eol);
}

/** Resolves after `ms`, or at once when the exchange is over (the client left, or the server stops). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function reset(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  // A real RST, not a FIN: that is what a dropped upstream connection looks like to the client.
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

async function write(
  res: ServerResponse,
  text: string | Uint8Array,
  plan: ResponsePlan,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  if (!plan.byteByByte) {
    res.write(text);
    return;
  }
  // A turn of the event loop between bytes, so each one leaves in its own TCP segment.
  for (const byte of typeof text === 'string' ? Buffer.from(text, 'utf8') : text) {
    if (signal.aborted) return;
    res.write(Buffer.from([byte]));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Plays the fault; the response goes no further after it. */
async function playFault(
  fault: StreamFault,
  res: ServerResponse,
  plan: ResponsePlan,
  signal: AbortSignal,
): Promise<void> {
  switch (fault.kind) {
    case 'sseError':
      if (plan.faultEvent) await write(res, frame(plan, plan.faultEvent), plan, signal);
      res.end();
      return;
    case 'reset':
      // An RST makes the client's kernel drop data it has not read yet, so give the deltas
      // already written a moment to be read: "after N deltas" means the client saw N deltas.
      await sleep(25, signal);
      reset(res);
      return;
    case 'truncate':
      res.end();
      return;
    case 'hang':
      await untilAborted(signal);
      return;
    case 'pingForever':
      while (!signal.aborted) {
        await write(res, frame(plan, plan.ping), plan, signal);
        await sleep(fault.intervalMs ?? 50, signal);
      }
      return;
  }
}

async function sendFixed(res: ServerResponse, text: string, plan: ResponsePlan, signal: AbortSignal): Promise<void> {
  const fault = plan.fault;
  if (fault?.kind === 'reset') {
    reset(res);
    return;
  }
  if (fault?.kind === 'truncate') {
    // No content-length, so ending early is a clean close the client must notice by itself.
    res.writeHead(plan.status, plan.headers);
    await write(res, text.slice(0, Math.floor(text.length / 2)), plan, signal);
    res.end();
    return;
  }
  if (fault?.kind === 'hang' || fault?.kind === 'pingForever') {
    res.writeHead(plan.status, plan.headers);
    res.flushHeaders();
    await untilAborted(signal);
    return;
  }
  res.writeHead(plan.status, { ...plan.headers, 'content-length': String(Buffer.byteLength(text)) });
  await write(res, text, plan, signal);
  res.end();
}

async function sendEvents(
  res: ServerResponse,
  events: Array<{ text: string | Uint8Array; kind: PlannedEvent['kind'] }>,
  plan: ResponsePlan,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(plan.status, plan.headers);
  res.flushHeaders();
  const fault = plan.fault;
  const faultAfter = fault === undefined ? Infinity : (fault.afterDeltas ?? 0);
  let deltas = 0;
  let first = true;
  for (const ev of events) {
    if (fault && (deltas >= faultAfter || ev.kind === 'end')) {
      await playFault(fault, res, plan, signal);
      return;
    }
    if (!first) await sleep(plan.chunkDelayMs, signal);
    if (signal.aborted) return;
    first = false;
    await write(res, ev.text, plan, signal);
    if (ev.kind === 'delta') deltas++;
    if (plan.hold && ev.kind === 'delta' && deltas === plan.hold.afterDeltas)
      await Promise.race([plan.hold.until, untilAborted(signal)]);
  }
  if (fault) {
    await playFault(fault, res, plan, signal);
    return;
  }
  res.end();
}

/** Resolves when `until` settles, or at once when the exchange is over. */
function held(until: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve(), { once: true });
    until.then(
      () => resolve(),
      () => resolve(),
    );
  });
}

/** Sends the plan; `signal` fires when the client goes away or the server stops. */
export async function respond(res: ServerResponse, plan: ResponsePlan, signal: AbortSignal): Promise<void> {
  await sleep(plan.headerDelayMs, signal);
  if (plan.holdUntil) await held(plan.holdUntil, signal);
  if (signal.aborted) return;
  switch (plan.body.kind) {
    case 'fixed':
      return sendFixed(res, plan.body.text, plan, signal);
    case 'sse':
      return sendEvents(
        res,
        plan.body.events.map((e) => ({ text: frame(plan, e.sse), kind: e.kind })),
        plan,
        signal,
      );
    case 'rawSse':
      // Every recorded event counts as a delta for fault placement.
      return sendEvents(
        res,
        plan.body.events.map((text) => ({ text, kind: 'delta' as const })),
        plan,
        signal,
      );
  }
}
