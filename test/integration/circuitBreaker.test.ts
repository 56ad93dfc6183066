import { afterAll, beforeAll, describe, it } from 'vitest';
import { ConduitError, ConfigUpdateRequest, type CircuitStatus } from '../../protocol';
import {
  FAST,
  FaultEnv,
  KeyedMutex,
  WIRES,
  attemptLogOf,
  chat,
  codeOf,
  describeOutcome,
  type Wire,
} from './faultMatrixHelpers';
import { waitFor } from './harness';

/**
 * The circuit breaker, through the real daemon: consecutiveFailures 3, openMs an hour, one attempt
 * per request so each failing request is one failure. Each test uses its own model, so its own circuit.
 */

/**
 * An hour: no machine is slow enough to let a circuit turn half-open on its own between the
 * failures that open it and the checks that it is open. The tests end the open period themselves
 * (halfOpen below), when they choose to.
 */
const OPEN_MS = 3_600_000;
const ONE_ATTEMPT = {
  ...FAST,
  maxAttempts: 1,
  breaker: { consecutiveFailures: 3, openMs: OPEN_MS, minRequests: 1000 },
};
/** Retries on, to see how per-attempt failure counting meets a retrying request. */
const FOUR_ATTEMPTS = {
  ...FAST,
  maxAttempts: 4,
  breaker: { consecutiveFailures: 3, openMs: OPEN_MS, minRequests: 1000 },
};

const ask = (wire: Wire, model: string, content = 'hello') => ({
  messages: [{ role: 'user' as const, content }],
  provider: wire,
  model,
  max_tokens: 16,
});

/**
 * Ends the open period of the daemon's open circuits now, the way a user shortening openMs would:
 * the breaker reads openMs live, so with 1 ms pushed, the status call (a look) turns `key`
 * half-open; then the hour is back, for whatever opens next.
 */
async function halfOpen(e: FaultEnv, key: string): Promise<CircuitStatus> {
  const push = (settings: Record<string, unknown>) =>
    e.client.connection.sendRequest(ConfigUpdateRequest.type, { settings, source: 'test' });
  const pushed = await push({ resilience: { breaker: { openMs: 1 } } });
  if (!pushed.applied) throw new Error(`the daemon refused openMs 1: ${pushed.problems.join('; ')}`);
  let c: CircuitStatus | undefined;
  try {
    await waitFor(
      async () => (c = (await e.client.status()).circuits.find((x) => x.key === key))?.state === 'half-open',
      20_000,
      `${key} to turn half-open`,
    );
  } finally {
    await push({});
  }
  return c!;
}

// One test at a time: halfOpen turns every open circuit of a daemon half-open.
describe('circuit breaker per provider/model, through the real daemon', () => {
  let env: FaultEnv;
  let retrying: FaultEnv;
  const mutex = new KeyedMutex();

  beforeAll(async () => {
    [env, retrying] = await Promise.all([FaultEnv.start(ONE_ATTEMPT), FaultEnv.start(FOUR_ATTEMPTS)]);
  });
  afterAll(async () => {
    await Promise.all([env?.dispose(), retrying?.dispose()]);
  });

  for (const wire of WIRES) {
    it(`${wire}: 3 failures open it, the next request is refused unsent, after openMs one probe goes through and its success closes it`, async ({
      expect,
    }) => {
      const model = `m-cb-open-${wire}`;
      const key = `${wire}/${model}`;
      const fake = env.fakes[wire];
      await mutex.run(wire, async () => {
        fake.enqueue(wire, { status: 500 }, { status: 500 }, { status: 500 });
        for (let i = 1; i <= 3; i++) {
          const o = await chat(env.client, ask(wire, model));
          expect(codeOf(o), describeOutcome(o)).toBe('server_error');
          expect(attemptLogOf(o)).toHaveLength(1);
          expect(env.requests(wire, model)).toHaveLength(i);
        }

        // Open: refused at once, nothing sent.
        const refused = await chat(env.client, ask(wire, model));
        expect(codeOf(refused), describeOutcome(refused)).toBe('circuit_open');
        // Refused unsent: no attempt and no request at the fake (a wall-clock bound fails under load).
        expect(attemptLogOf(refused)).toEqual([]);
        expect(env.requests(wire, model)).toHaveLength(3);
        if (!refused.ok) {
          expect(refused.error.message).toMatch(/after repeated server_error failures.*Nothing was sent\./);
          expect(refused.error.data.provider).toBe(wire);
          expect(refused.error.data.model).toBe(model);
          expect(refused.error.data.retryAfterMs).toBeGreaterThan(0);
          expect(refused.error.data.retryAfterMs).toBeLessThanOrEqual(OPEN_MS);
        }

        const open = await env.circuit(key);
        expect(open).toMatchObject({ key, state: 'open', failures: 3, lastFailure: 'server_error' });
        expect(open!.nextProbeAt! - open!.openedAt!).toBe(OPEN_MS);

        // Half-open after openMs: one probe through (held at the fake until the test lets it answer),
        // a second refused meanwhile.
        await halfOpen(env, key);
        let answerProbe!: () => void;
        const probeHeld = new Promise<void>((r) => (answerProbe = r));
        fake.enqueue(wire, { text: 'probe answer', holdUntil: probeHeld });
        const probe = chat(env.client, ask(wire, model, 'probe'));
        await waitFor(() => env.requests(wire, model).length >= 4, 20_000, 'the probe at the fake');
        const during = (await env.client.status()).circuits.find((c) => c.key === key);
        expect(during?.state).toBe('half-open');
        const second = await chat(env.client, ask(wire, model, 'second'));
        expect(codeOf(second), describeOutcome(second)).toBe('circuit_open');
        if (!second.ok) expect(second.error.message).toMatch(/a probe request is checking whether it has recovered/);
        answerProbe();
        const probed = await probe;
        expect(codeOf(probed), describeOutcome(probed)).toBe('ok');
        if (probed.ok) expect(probed.result.text).toBe('probe answer');
        expect(env.requests(wire, model)).toHaveLength(4);

        // Closed again: status says so and requests flow.
        const closed = await env.circuit(key);
        expect(closed === undefined || closed.state === 'closed', JSON.stringify(closed)).toBe(true);
        if (closed) expect(closed).toMatchObject({ failures: 0, nextProbeAt: null, openedAt: null });
        fake.enqueue(wire, { text: 'flowing again' });
        const after = await chat(env.client, ask(wire, model));
        expect(codeOf(after), describeOutcome(after)).toBe('ok');
        expect(env.requests(wire, model)).toHaveLength(5);
        expect(fake.pending(wire)).toBe(0);
      });
    });
  }

  it('anthropic: a failed probe opens it again for another openMs', async ({ expect }) => {
    const wire: Wire = 'anthropic';
    const model = 'm-cb-reopen';
    const key = `${wire}/${model}`;
    const fake = env.fakes[wire];
    await mutex.run(wire, async () => {
      fake.enqueue(wire, { status: 529 }, { status: 529 }, { status: 529 });
      for (let i = 0; i < 3; i++) expect(codeOf(await chat(env.client, ask(wire, model)))).toBe('overloaded');
      const first = await env.circuit(key);
      expect(first).toMatchObject({ state: 'open', lastFailure: 'overloaded' });
      await halfOpen(env, key);

      fake.enqueue(wire, { status: 500 });
      const probe = await chat(env.client, ask(wire, model));
      expect(codeOf(probe), describeOutcome(probe)).toBe('server_error');
      expect(env.requests(wire, model)).toHaveLength(4);
      const refused = await chat(env.client, ask(wire, model));
      expect(codeOf(refused), describeOutcome(refused)).toBe('circuit_open');
      expect(env.requests(wire, model)).toHaveLength(4);
      const again = await env.circuit(key);
      expect(again).toMatchObject({ state: 'open', lastFailure: 'server_error' });
      expect(again!.openedAt!).toBeGreaterThan(first!.openedAt!);
      expect(again!.nextProbeAt! - again!.openedAt!).toBe(OPEN_MS);
    });
  });

  it('openai: a probe the client cancels frees the half-open slot for the next request', async ({ expect }) => {
    const wire: Wire = 'openai';
    const model = 'm-cb-cancel';
    const fake = env.fakes[wire];
    await mutex.run(wire, async () => {
      fake.enqueue(wire, { status: 500 }, { status: 500 }, { status: 500 });
      for (let i = 0; i < 3; i++) expect(codeOf(await chat(env.client, ask(wire, model)))).toBe('server_error');
      const open = await env.circuit(`${wire}/${model}`);
      expect(open?.state).toBe('open');
      await halfOpen(env, `${wire}/${model}`);

      // The first probe never answers: only the cancel ends it.
      fake.enqueue(wire, { text: 'too slow', holdUntil: new Promise(() => undefined) }, { text: 'second probe' });
      const controller = new AbortController();
      const probe = env.client.chat(ask(wire, model, 'probe'), { signal: controller.signal }).then(
        () => 'ok',
        (e: unknown) => (e instanceof ConduitError ? e.code : String(e)),
      );
      await waitFor(() => env.requests(wire, model).length >= 4, 20_000, 'the probe at the fake');
      controller.abort();
      expect(await probe).toBe('cancelled');
      await env.requests(wire, model)[3]!.aborted;

      const next = await chat(env.client, ask(wire, model, 'next'));
      expect(codeOf(next), describeOutcome(next)).toBe('ok');
      if (next.ok) expect(next.result.text).toBe('second probe');
      expect(env.requests(wire, model)).toHaveLength(5);
      expect((await env.client.status()).circuits.find((c) => c.key === `${wire}/${model}`)?.state).toBe('closed');
    });
  });

  it('openai: rate limits, bad requests and a success in between never open it', async ({ expect }) => {
    const wire: Wire = 'openai';
    const model = 'm-cb-healthy';
    const fake = env.fakes[wire];
    await mutex.run(wire, async () => {
      fake.enqueue(
        wire,
        { status: 429 },
        { status: 429 },
        { status: 429 },
        { status: 400 },
        { status: 401 },
        { status: 500 },
        { status: 500 },
        {},
        { status: 500 },
        { status: 500 },
        {},
      );
      const codes: string[] = [];
      for (let i = 0; i < 11; i++) codes.push(codeOf(await chat(env.client, ask(wire, model))));
      expect(codes).toEqual([
        'rate_limited',
        'rate_limited',
        'rate_limited',
        'invalid_request',
        'auth',
        'server_error',
        'server_error',
        'ok',
        'server_error',
        'server_error',
        'ok',
      ]);
      expect(env.requests(wire, model)).toHaveLength(11);
      const c = await env.circuit(`${wire}/${model}`);
      expect(c?.state ?? 'closed').toBe('closed');
    });
  });

  it('gemini: one model open leaves its sibling model on the same provider alone', async ({ expect }) => {
    const wire: Wire = 'gemini';
    const down = 'm-cb-down';
    const up = 'm-cb-up';
    const fake = env.fakes[wire];
    await mutex.run(wire, async () => {
      fake.enqueue(wire, { status: 503 }, { status: 503 }, { status: 503 });
      for (let i = 0; i < 3; i++) expect(codeOf(await chat(env.client, ask(wire, down)))).toBe('overloaded');
      expect(codeOf(await chat(env.client, ask(wire, down)))).toBe('circuit_open');
      fake.enqueue(wire, { text: 'sibling fine' });
      const sibling = await chat(env.client, ask(wire, up));
      expect(codeOf(sibling), describeOutcome(sibling)).toBe('ok');
      expect(env.requests(wire, down)).toHaveLength(3);
      expect(env.requests(wire, up)).toHaveLength(1);
      const circuits = await env.circuits();
      expect(circuits.find((c) => c.key === `gemini/${down}`)?.state).toBe('open');
      expect(circuits.find((c) => c.key === `gemini/${up}`)?.state ?? 'closed').toBe('closed');
      // The human status lists the open circuit.
      const human = await env.h.cli(['status']);
      expect(human.stdout).toMatch(new RegExp(`gemini/${down}: open \\(last: overloaded\\)`));
    });
  });

  // Failures count per attempt, so with retries on, one request can trip its own circuit.
  for (const wire of WIRES) {
    it(`${wire}: with 4 attempts allowed, the 3rd failed attempt of one request opens the circuit and the request stops there`, async ({
      expect,
    }) => {
      const model = `m-cb-self-${wire}`;
      const fake = retrying.fakes[wire];
      await mutex.run(`retrying-${wire}`, async () => {
        try {
          fake.enqueue(wire, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
          const o = await chat(retrying.client, ask(wire, model));
          expect(codeOf(o), describeOutcome(o)).toBe('server_error');
          expect(attemptLogOf(o).map((a) => a.error)).toEqual(['server_error', 'server_error', 'server_error']);
          expect(retrying.requests(wire, model)).toHaveLength(3);
          expect(fake.pending(wire)).toBe(1);
          expect((await retrying.circuit(`${wire}/${model}`))?.state).toBe('open');
        } finally {
          fake.reset();
        }
      });
    });
  }

  it('anthropic: a request whose own attempts tripped the circuit keeps their error and says the circuit is now open', async ({
    expect,
  }) => {
    const wire: Wire = 'anthropic';
    const model = 'm-cb-claim';
    const fake = retrying.fakes[wire];
    await mutex.run(`retrying-${wire}`, async () => {
      try {
        fake.enqueue(wire, { status: 529 }, { status: 529 }, { status: 529 }, { status: 529 });
        const o = await chat(retrying.client, ask(wire, model));
        expect(retrying.requests(wire, model)).toHaveLength(3);
        expect(o.ok).toBe(false);
        // Three requests went out for this very request: the error is theirs, not "nothing was sent".
        if (!o.ok) {
          expect(o.error.message).not.toMatch(/Nothing was sent/);
          expect(o.error.message).toMatch(/After 3 failed attempts, the circuit for Anthropic m-cb-claim is open/);
          expect(o.error.code).toBe('overloaded');
          expect(o.error.data.status).toBe(529);
        }
      } finally {
        fake.reset();
      }
    });
  });
});
