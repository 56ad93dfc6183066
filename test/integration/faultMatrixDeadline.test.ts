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
  sleep,
  useFaultEnv,
} from './faultMatrixHelpers';
import { waitFor } from './harness';

/**
 * The request deadline (timeouts.requestMs) bounds everything: a hinted wait that would pass it
 * is not started, and a call that hangs is cut at the deadline even where no other timer would
 * fire soon (a non-streamed call's own timer is at least 120 s).
 */

const DEADLINE_MS = 1200;
const CONFIG = {
  ...FAST,
  retryBudgetMs: 10_000,
  timeouts: { firstByteMs: 5000, streamIdleMs: 5000, requestMs: DEADLINE_MS },
};

describe.concurrent('request deadline and cancellation during waits, through the real daemon', () => {
  let env: FaultEnv;
  const mutex = new KeyedMutex();

  useFaultEnv(CONFIG, (e) => {
    env = e;
  });

  for (const wire of WIRES) {
    it(`${wire}: a retry-after (2 s) within the budget but past the deadline is not waited: one attempt`, async ({
      expect,
    }) => {
      const model = `m-dl-ra-${wire}`;
      await mutex.run(wire, async () => {
        env.fakes[wire].enqueue(wire, {
          status: 429,
          headers: { 'retry-after': '2' },
          ...(wire === 'gemini' ? { error: { quotaFailure: false } } : {}),
        });
        const o = await chat(env.client, { messages: [{ role: 'user', content: 'x' }], provider: wire, model });
        expect(codeOf(o), describeOutcome(o)).toBe('rate_limited');
        expect(attemptLogOf(o)).toHaveLength(1);
        expect(o.elapsedMs).toBeLessThan(1000);
        if (!o.ok) {
          expect(o.error.message).toMatch(
            /Waiting 2 s to retry would pass the request's deadline \(1\.\d s left\); not retrying\./,
          );
          expect(o.error.data.retryAfterMs).toBe(2000);
        }
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
          expect(o.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
          expect(o.elapsedMs).toBeLessThan(DEADLINE_MS + 1500);
          if (!o.ok) expect(o.error.message).toMatch(/deadline, 1\.2 s, timeouts\.requestMs/);
          expect(o.chunks).toEqual([]);
          const [rec] = env.requests(wire, model);
          expect(env.requests(wire, model)).toHaveLength(1);
          await rec!.waitForAbort(2000);
        });
      });
    }

    it(`${wire}: a cancel during a hinted 1 s wait ends the request at once, and no retry goes out later`, async ({
      expect,
    }) => {
      const model = `m-dl-cancelwait-${wire}`;
      await mutex.run(wire, async () => {
        env.fakes[wire].enqueue(
          wire,
          {
            status: 429,
            headers: { 'retry-after': '1' },
            ...(wire === 'gemini' ? { error: { quotaFailure: false } } : {}),
          },
          { text: 'must not be asked for' },
        );
        try {
          const controller = new AbortController();
          const started = Date.now();
          const pending = env.client
            .chat({ messages: [{ role: 'user', content: 'x' }], provider: wire, model }, { signal: controller.signal })
            .then(
              () => 'ok',
              (e: unknown) => (e instanceof ConduitError ? e.code : String(e)),
            );
          await waitFor(() => env.requests(wire, model).length >= 1, 3000, 'the first attempt');
          await sleep(150);
          controller.abort();
          expect(await pending).toBe('cancelled');
          expect(Date.now() - started).toBeLessThan(900);
          await sleep(1200);
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
          .chat({ messages: [{ role: 'user', content: 'x' }], provider: wire, model }, { signal: controller.signal })
          .then(
            () => 'ok',
            (e: unknown) => (e instanceof ConduitError ? e.code : String(e)),
          );
        await waitFor(() => env.requests(wire, model).length >= 1, 3000, 'the call at the fake');
        controller.abort();
        const cancelledAt = Date.now();
        expect(await pending).toBe('cancelled');
        const abortedAt = await env.requests(wire, model)[0]!.waitForAbort(2000);
        expect(abortedAt - cancelledAt).toBeLessThan(1000);
      });
    });
  }
});
