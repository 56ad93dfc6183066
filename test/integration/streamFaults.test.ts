import { describe, it, type ExpectStatic } from 'vitest';
import type { ErrorCode } from '../../protocol';
import type { RecordedRequest, ScriptedResponse } from '../fakes/fakeProvider';
import { waitFor } from './harness';
import {
  FAST,
  FaultEnv,
  KeyedMutex,
  WIRES,
  attemptLogOf,
  chat,
  chunkText,
  codeOf,
  describeOutcome,
  type Outcome,
  type Wire,
  useFaultEnv,
  HOUR_TIMEOUTS,
} from './faultMatrixHelpers';

/**
 * Streams that break, through the real daemon and SDKs. Whatever happens, a streamed request ends
 * in one of three ways: the complete answer, a provider error, or a truncation error carrying the
 * text the client already has. Never a short answer passed off as a success.
 */

const FIRST_BYTE_MS = 1000;
const IDLE_MS = 600;
const CONFIG = { ...FAST, timeouts: { firstByteMs: FIRST_BYTE_MS, streamIdleMs: IDLE_MS, requestMs: 20_000 } };
/** For cells about framing, not time: a loaded machine writing one byte at a time trips no timeout. */
const PATIENT = { ...FAST, timeouts: HOUR_TIMEOUTS };

const DELTAS = ['Alpha ', 'beta ', 'gamma ', 'delta.'];
const FULL = DELTAS.join('');
/** Multi-byte characters, so byte-by-byte delivery splits UTF-8 sequences and CRLF pairs. */
const UNICODE = ['Grüße ', 'aus ', 'Zürich — ', '日本語 ', 'テキスト ', '🎉🚀 ', 'done.'];

interface StreamCell {
  id: string;
  wire: Wire;
  what: string;
  /** Default true. */
  stream?: boolean;
  scripts: ScriptedResponse[];
  outcome: 'ok' | ErrorCode;
  /** The code of each failed attempt, in order. */
  failed: ErrorCode[];
  /** ok: the exact text (and streamed chunks); failure: the exact partial text the client got. */
  text: string;
  message?: RegExp;
  /** Runs against a daemon whose timeouts are an hour: the cell is about framing, not time. */
  patient?: boolean;
  extra?: (ctx: CellContext) => Promise<void> | void;
}

interface CellContext {
  o: Outcome;
  seen: RecordedRequest[];
  expect: ExpectStatic;
  why: string;
  /** Date.now() just before the request left the test: every daemon timer for it started later. */
  sentAt: number;
  /** The phases of the daemon's `timeout` log events for this cell (each cell has a model of its own). */
  timeoutPhases: () => Promise<string[]>;
}

function cellsFor(wire: Wire): StreamCell[] {
  const c = (id: string, rest: Omit<StreamCell, 'id' | 'wire'>): StreamCell => ({
    id: `${wire.slice(0, 2)}-${id}`,
    wire,
    ...rest,
  });
  const good: ScriptedResponse = { deltas: DELTAS };
  // An in-band error before any text: Anthropic's default is overloaded_error, OpenAI's and Gemini's an internal error.
  const inBandCode: ErrorCode = wire === 'anthropic' ? 'overloaded' : 'stream_interrupted';
  // Gemini's last delta carries finishReason, so a cut "before the end marker" loses it too.
  const beforeEnd = wire === 'gemini' ? DELTAS.slice(0, -1).join('') : FULL;
  const cells: StreamCell[] = [
    c('sseerr2', {
      what: 'HTTP 200, then an in-band error after 2 deltas: stream_interrupted with the 2 deltas, not retried',
      scripts: [{ deltas: DELTAS, fault: { kind: 'sseError', afterDeltas: 2 } }],
      patient: true,
      outcome: 'stream_interrupted',
      failed: [inBandCode],
      text: 'Alpha beta ',
      message: /it was not retried/,
    }),
    c('sseerr0', {
      what: 'HTTP 200, then an in-band error before any delta: retried, then the whole answer once',
      scripts: [{ deltas: DELTAS, fault: { kind: 'sseError', afterDeltas: 0 } }, good],
      outcome: 'ok',
      failed: [inBandCode],
      text: FULL,
    }),
    c('resethdr', {
      what: 'a connection reset right after the headers: retried, then the whole answer',
      scripts: [{ deltas: DELTAS, fault: { kind: 'reset', afterDeltas: 0 } }, good],
      outcome: 'ok',
      failed: ['network'],
      text: FULL,
    }),
    c('resetmid', {
      what: 'a connection reset after 2 deltas: stream_interrupted with the 2 deltas',
      scripts: [{ deltas: DELTAS, fault: { kind: 'reset', afterDeltas: 2 } }],
      outcome: 'stream_interrupted',
      failed: ['network'],
      text: 'Alpha beta ',
      message: /it was not retried/,
    }),
    c('resetjson', {
      what: 'not streamed: a reset before any byte of the JSON: retried',
      stream: false,
      scripts: [{ text: FULL, fault: { kind: 'reset', afterDeltas: 0 } }, { text: FULL }],
      outcome: 'ok',
      failed: ['network'],
      text: FULL,
    }),
    c('truncjson', {
      what: 'not streamed: a clean close in the middle of the JSON object: retried',
      stream: false,
      scripts: [{ text: FULL, fault: { kind: 'truncate', afterDeltas: 0 } }, { text: FULL }],
      outcome: 'ok',
      failed: ['network'],
      text: FULL,
    }),
    c('trunc0', {
      what: 'a clean close before any delta and without the end marker: retried, then the whole answer',
      scripts: [{ deltas: DELTAS, fault: { kind: 'truncate', afterDeltas: 0 } }, good],
      outcome: 'ok',
      failed: ['stream_interrupted'],
      text: FULL,
    }),
    c('truncmid', {
      what: 'a clean close after 2 deltas: stream_interrupted with the 2 deltas',
      scripts: [{ deltas: DELTAS, fault: { kind: 'truncate', afterDeltas: 2 } }],
      outcome: 'stream_interrupted',
      failed: ['stream_interrupted'],
      text: 'Alpha beta ',
      message: /it was not retried/,
    }),
    c('truncend', {
      what: 'a clean close after every delta but before message_stop / finish_reason+[DONE] / finishReason: stream_interrupted, never a short success',
      scripts: [{ deltas: DELTAS, fault: { kind: 'truncate', afterDeltas: 99 } }],
      outcome: 'stream_interrupted',
      failed: ['stream_interrupted'],
      text: beforeEnd,
      message: /stream ended before/,
    }),
    c('hang', {
      what: 'headers, then silence: first-byte timeout, the socket is closed, retried',
      scripts: [{ deltas: DELTAS, fault: { kind: 'hang' } }, good],
      outcome: 'ok',
      failed: ['timeout'],
      text: FULL,
      extra: async ({ o, seen, expect, why, sentAt, timeoutPhases }) => {
        const log = attemptLogOf(o);
        expect(log[0]!.durationMs, why).toBeGreaterThanOrEqual(FIRST_BYTE_MS - 5);
        // The first-byte timer ended it (not the idle timer or the deadline): the daemon's log says which.
        expect(await timeoutPhases(), why).toEqual(['first byte']);
        const abortedAt = await seen[0]!.waitForAbort(2000);
        // Closed by the timeout, before the retry went out.
        expect(abortedAt).toBeLessThanOrEqual(seen[1]!.receivedAt);
        // The timer started after the request left the test, so the close can come no sooner after that.
        expect(abortedAt - sentAt).toBeGreaterThanOrEqual(FIRST_BYTE_MS - 5);
      },
    }),
    c('hangmid', {
      what: 'silence after 2 deltas: stream idle timeout, stream_interrupted with the 2 deltas, the socket is closed',
      scripts: [{ deltas: DELTAS, fault: { kind: 'hang', afterDeltas: 2 } }],
      outcome: 'stream_interrupted',
      failed: ['timeout'],
      text: 'Alpha beta ',
      message: /stream idle timeout/,
      extra: async ({ seen }) => {
        await seen[0]!.waitForAbort(2000);
      },
    }),
    c('ping', {
      what: 'pings forever after 1 delta: pings do not count, stream idle timeout, stream_interrupted with the delta',
      scripts: [{ deltas: DELTAS, fault: { kind: 'pingForever', afterDeltas: 1, intervalMs: 50 } }],
      outcome: 'stream_interrupted',
      failed: ['timeout'],
      text: 'Alpha ',
      message: /stream idle timeout/,
      extra: async ({ o, seen, expect, why, timeoutPhases }) => {
        const log = attemptLogOf(o);
        expect(log[0]!.durationMs, why).toBeGreaterThanOrEqual(IDLE_MS - 5);
        // Ended by the idle timer, which the pings did not reset (not by the deadline).
        expect(await timeoutPhases(), why).toEqual(['stream idle']);
        await seen[0]!.waitForAbort(2000);
      },
    }),
    c('bytes', {
      what: '1-byte chunks: the whole answer, exact',
      scripts: [{ deltas: UNICODE, byteByByte: true }],
      patient: true,
      outcome: 'ok',
      failed: [],
      text: UNICODE.join(''),
    }),
    c('crlf', {
      what: 'CRLF framing: the whole answer, exact',
      scripts: [{ deltas: UNICODE, lineEnding: '\r\n' }],
      outcome: 'ok',
      failed: [],
      text: UNICODE.join(''),
    }),
    c('bytescrlf', {
      what: '1-byte chunks with CRLF framing, slowly: the whole answer, exact',
      scripts: [{ deltas: UNICODE, byteByByte: true, lineEnding: '\r\n', chunkDelayMs: 5 }],
      patient: true,
      outcome: 'ok',
      failed: [],
      text: UNICODE.join(''),
    }),
  ];
  if (wire !== 'openai') {
    // Anthropic's `event: error` rate_limit_error; Gemini's RESOURCE_EXHAUSTED without a QuotaFailure.
    const error =
      wire === 'anthropic' ? { type: 'rate_limit_error' } : { type: 'RESOURCE_EXHAUSTED', quotaFailure: false };
    cells.push(
      c('sseerr-rl', {
        what: 'an in-band rate-limit error before any delta: rate_limited, retried',
        scripts: [{ deltas: DELTAS, fault: { kind: 'sseError', afterDeltas: 0, status: 429, error } }, good],
        outcome: 'ok',
        failed: ['rate_limited'],
        text: FULL,
      }),
    );
  }
  if (wire === 'anthropic') {
    cells.push(
      c('nostop', {
        what: 'every event but message_stop (message_delta with end_turn included): stream_interrupted',
        scripts: [{ rawBody: anthropicWithoutMessageStop(['Alpha ', 'beta.']) }],
        outcome: 'stream_interrupted',
        failed: ['stream_interrupted'],
        text: 'Alpha beta.',
        message: /message_stop/,
      }),
    );
  }
  return cells;
}

function anthropicWithoutMessageStop(deltas: string[]): string {
  const ev = (type: string, payload: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
  return [
    ev('message_start', {
      message: {
        id: 'msg_fake_nostop',
        type: 'message',
        role: 'assistant',
        model: 'm-an-nostop',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 5, output_tokens: 1 },
      },
    }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...deltas.map((text) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } }),
  ].join('');
}

const byWire = WIRES.map(cellsFor);
const cells: StreamCell[] = [];
for (let i = 0; i < Math.max(...byWire.map((l) => l.length)); i++)
  for (const list of byWire) if (list[i]) cells.push(list[i]!);

describe.concurrent(
  'stream faults: a complete answer, a provider error or a truncation error, never a short success',
  () => {
    let quick: FaultEnv;
    let patient: FaultEnv;
    const mutex = new KeyedMutex();

    useFaultEnv(CONFIG, (e) => {
      quick = e;
    });
    useFaultEnv(PATIENT, (e) => {
      patient = e;
    });

    for (const cell of cells) {
      const stream = cell.stream ?? true;
      it(`${cell.wire} ${cell.id}: ${cell.what}`, async ({ expect }) => {
        const { wire, id } = cell;
        const env = cell.patient ? patient : quick;
        const model = `m-${id}`;
        const fake = env.fakes[wire];
        await mutex.run(wire, async () => {
          try {
            fake.enqueue(wire, ...cell.scripts);
            const sentAt = Date.now();
            const o = await chat(env.client, {
              messages: [{ role: 'user', content: `cell ${id}` }],
              provider: wire,
              model,
              stream,
              max_tokens: 64,
            });
            const why = `${cell.id}: ${describeOutcome(o)}`;
            const attempts = cell.failed.length + (cell.outcome === 'ok' ? 1 : 0);
            const log = attemptLogOf(o);

            expect(codeOf(o), why).toBe(cell.outcome);
            expect(log.length, why).toBe(attempts);
            expect(
              log.map((a) => a.error),
              why,
            ).toEqual([...cell.failed, ...(cell.outcome === 'ok' ? [undefined] : [])]);
            for (const a of log) expect(a).toMatchObject({ provider: wire, model });
            // A retry after a stream broke before any text waits the normal backoff.
            log.slice(1).forEach((a, k) => {
              expect(a.delayMs, why).toBeGreaterThanOrEqual(0);
              expect(a.delayMs, why).toBeLessThanOrEqual(Math.min(FAST.maxDelayMs, FAST.baseDelayMs * 2 ** k));
            });
            const received = stream ? chunkText(o.chunks) : '';
            if (o.ok) {
              expect(o.result.text, why).toBe(cell.text);
              expect(o.result.attempts).toBe(attempts);
              expect(o.result.stopReason).not.toBeNull();
              // The failed attempt sent nothing to the client, so the answer arrived once, whole.
              if (stream) expect(received).toBe(cell.text);
              else expect(o.chunks).toEqual([]);
            } else {
              const data = o.error.data;
              expect(data.provider).toBe(wire);
              expect(data.model).toBe(model);
              // Exactly what reached the client, and nothing more.
              expect(data.partialText, why).toBe(cell.text);
              expect(received, why).toBe(cell.text);
              if (cell.message) expect(o.error.message).toMatch(cell.message);
            }

            const seen = env.requests(wire, model);
            expect(seen.length, why).toBe(attempts);
            expect(fake.pending(wire), `${why}: scripts left unused`).toBe(0);
            for (const r of seen) expect(r.stream).toBe(stream);
            const timeoutPhases = () =>
              loggedTimeoutPhases(env, model, cell.failed.filter((f) => f === 'timeout').length);
            await cell.extra?.({ o, seen, expect, why, sentAt, timeoutPhases });
          } finally {
            if (fake.pending(wire) > 0) fake.reset();
          }
        });
      });
    }
  },
);

/** The phases of the daemon's `timeout` events for a model, once `count` of them are in its log. */
async function loggedTimeoutPhases(env: FaultEnv, model: string, count: number): Promise<string[]> {
  const phases = () =>
    env.h
      .logText()
      .split('\n')
      .flatMap((line) => {
        if (!line.includes('"timeout"')) return [];
        try {
          const e = JSON.parse(line) as { msg?: string; model?: string; phase?: string };
          return e.msg === 'timeout' && e.model === model ? [e.phase ?? ''] : [];
        } catch {
          return []; // a line still being written: read again on the next poll
        }
      });
  await waitFor(() => phases().length >= count, 60_000, `${count} timeout events for ${model} in the daemon's log`);
  return phases();
}
