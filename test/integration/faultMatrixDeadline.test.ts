import { describe, it } from 'vitest';
import { ConduitError } from '../../protocol';
import {
  FAST,
  FaultEnv,
  KeyedMutex,
  WIRES,
  attemptLogOf,
  chat,
  codeOf,
  describeOutcome,
  useFaultEnv,
  HOUR,
  HOUR_TIMEOUTS,
} from './faultMatrixHelpers';
import { waitFor } from './harness';

/**
 * The request deadline (timeouts.requestMs) bounds everything: a hinted wait that would pass it
 * is not started, and a call that hangs is cut at the deadline even where no other timer would
 * fire soon (a non-streamed call's own timer is at least 120 s).
 *
 * Nothing here bounds how long a step took on the wall clock: a loaded machine may be slow
 * anywhere. Where "at once" matters, the alternative would take an hour (HOUR), so only the
 * outcome (the code, the message, the log line, the fake's record) can tell them apart.
 */

const DEADLINE_MS = 3000;
const CONFIG = {
  ...FAST,
  retryBudgetMs: 10_000,
  timeouts: { firstByteMs: 5000, streamIdleMs: 5000, requestMs: DEADLINE_MS },
};

/** No timer of the daemon's can end a request: only a cancel can. */
const NO_TIMERS = { ...FAST, retryBudgetMs: HOUR, timeouts: HOUR_TIMEOUTS };

/** The daemon's log lines of one kind for one model, as objects. */
function logLines(env: FaultEnv, msg: string, model: string): Array<Record<string, unknown>> {
  return env.h.logLines().filter((l) => l.msg === msg && l.model === model);
}

describe.concurrent('request deadline, through the real daemon', () => {
  let env: FaultEnv;
  const mutex = new KeyedMutex();

  useFaultEnv(CONFIG, (e) => {
    env = e;
  });

  for (const wire of WIRES) {
    it(`${wire}: a retry-after (5 s) within the budget but past the deadline is not waited: one attempt`, async ({
      expect,
    }) => {
      const model = `m-dl-ra-${wire}`;
      await mutex.run(wire, async () => {
        env.fakes[wire].enqueue(wire, {
          status: 429,
          headers: { 'retry-after': '5' },
          ...(wire === 'gemini' ? { error: { quotaFailure: false } } : {}),
        });
        const o = await chat(env.client, { messages: [{ role: 'user', content: 'x' }], provider: wire, model });
        // Had it waited, the deadline (3 s) would have ended the wait first, as a timeout.
        expect(codeOf(o), describeOutcome(o)).toBe('rate_limited');
        expect(attemptLogOf(o)).toHaveLength(1);
        if (!o.ok) {
          expect(o.error.message).toMatch(
            /Waiting 5 s to retry would pass the request's deadline \([\d.]+ s left\); not retrying\./,
          );
          expect(o.error.data.retryAfterMs).toBe(5000);
        }
        // The request's own line comes after any retry line of it: once it is on disk, so would a retry be.
        await env.h.waitForLog((l) => l.msg === 'request' && l.model === model);
        expect(logLines(env, 'retry', model)).toEqual([]);
        expect(env.requests(wire, model)).toHaveLength(1);
      });
    });

    for (const stream of [true, false]) {
      it(`${wire}: a ${stream ? 'stream' : 'non-streamed call'} that hangs after the headers is cut at the deadline, and the socket closed`, async ({
        expect,
      }) => {
        const model = `m-dl-hang-${stream ? 's' : 'j'}-${wire}`;
        await mutex.run(wire, async () => {
          env.fakes[wire].enqueue(wire, { text: 'never sent', fault: { kind: 'hang' } });
          const o = await chat(env.client, {
            messages: [{ role: 'user', content: 'x' }],
            provider: wire,
            model,
            stream,
          });
          expect(codeOf(o), describeOutcome(o)).toBe('timeout');
          expect(attemptLogOf(o).map((a) => a.error)).toEqual(['timeout']);
          // Never early; the message names the deadline, not the call's own (120 s and more) timer.
          expect(o.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
          if (!o.ok) expect(o.error.message).toMatch(/deadline, 3 s, timeouts\.requestMs/);
          expect(o.chunks).toEqual([]);
          const [rec] = env.requests(wire, model);
          expect(env.requests(wire, model)).toHaveLength(1);
          await rec!.aborted;
        });
      });
    }
  }
});

describe.concurrent('cancellation during waits and hung calls, through the real daemon', () => {
  let env: FaultEnv;
  const mutex = new KeyedMutex();

  useFaultEnv(NO_TIMERS, (e) => {
    env = e;
  });

  for (const wire of WIRES) {
    it(`${wire}: a cancel during a hinted 30 min wait ends the request, and no retry goes out later`, async ({
      expect,
    }) => {
      const model = `m-dl-cancelwait-${wire}`;
      await mutex.run(wire, async () => {
        env.fakes[wire].enqueue(
          wire,
          {
            status: 429,
            headers: { 'retry-after': '1800' },
            ...(wire === 'gemini' ? { error: { quotaFailure: false } } : {}),
          },
          { text: 'must not be asked for' },
        );
        try {
          const controller = new AbortController();
          const pending = env.client
            .chat({ messages: [{ role: 'user', content: 'x' }], provider: wire, model }, { signal: controller.signal })
            .then(
              () => 'ok',
              (e: unknown) => (e instanceof ConduitError ? e.code : String(e)),
            );
          // The daemon logs the retry just before it starts waiting.
          await waitFor(() => logLines(env, 'retry', model).length === 1, 20_000, 'the hinted wait to start');
          expect(logLines(env, 'retry', model)[0]).toMatchObject({ delayMs: 1_800_000, source: 'hint' });
          controller.abort();
          // Only the cancel can end it: the hint is 30 minutes and no timeout is shorter than an hour.
          expect(await pending).toBe('cancelled');
          // The retry loop is over once it logs its give-up; a retry could only have come before.
          await waitFor(() => logLines(env, 'give_up', model).length === 1, 20_000, 'the give-up line');
          expect(logLines(env, 'give_up', model)[0]).toMatchObject({ reason: 'cancelled', attempts: 1 });
          expect(env.requests(wire, model)).toHaveLength(1);
        } finally {
          env.fakes[wire].reset();
        }
      });
    });

    it(`${wire}: a cancel while a non-streamed call hangs closes the upstream socket`, async ({ expect }) => {
      const model = `m-dl-cancelhang-${wire}`;
      await mutex.run(wire, async () => {
        env.fakes[wire].enqueue(wire, { text: 'never sent', fault: { kind: 'hang' } });
        const controller = new AbortController();
        const pending = env.client
          .chat(
            { messages: [{ role: 'user', content: 'x' }], provider: wire, model, stream: false },
            { signal: controller.signal },
          )
          .then(
            () => 'ok',
            (e: unknown) => (e instanceof ConduitError ? e.code : String(e)),
          );
        await waitFor(() => env.requests(wire, model).length >= 1, 20_000, 'the call at the fake');
        const rec = env.requests(wire, model)[0]!;
        controller.abort();
        const cancelledAt = Date.now();
        expect(await pending).toBe('cancelled');
        // No timer of the daemon's runs out within the hour, so only the cancel closes the socket.
        const abortedAt = await rec.aborted;
        expect(abortedAt).toBeGreaterThanOrEqual(cancelledAt);
      });
    });
  }
});
