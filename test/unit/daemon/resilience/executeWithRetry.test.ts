import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderStreamEvent } from '../../../../daemon/providers/types';
import { UpstreamError, type UpstreamErrorInit } from '../../../../daemon/providers/types';
import { CircuitBreaker } from '../../../../daemon/resilience/circuitBreaker';
import {
  executeWithRetry,
  type AttemptContext,
  type ExecuteOptions,
} from '../../../../daemon/resilience/executeWithRetry';
import { isCircuitOpen, ResilienceError } from '../../../../daemon/resilience/resilienceError';
import { sequence } from '../../../fixtures/seededRandom';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

const upstream = (init: Partial<UpstreamErrorInit>) =>
  new UpstreamError({ provider: 'openai', message: 'Upstream said no.', ...init });
const e503 = () => upstream({ status: 503 });

type Step = UpstreamError | Error | string;

/** An attempt function that plays one step per call: an error to throw or a value to return. */
function script(...steps: Step[]) {
  const calls: AttemptContext[] = [];
  const fn = async (ctx: AttemptContext): Promise<string> => {
    calls.push(ctx);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if (step instanceof Error) throw step;
    return step ?? 'ok';
  };
  return { fn, calls };
}

const base: ExecuteOptions = {
  provider: 'openai',
  model: 'gpt-x',
  mode: 'call',
  retry: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000, retryBudgetMs: 60_000 },
  timeouts: { firstByteMs: 60_000, streamIdleMs: 30_000, callMs: 120_000 },
  random: () => 0.5,
};

interface Settled<T> {
  value?: { value: T; attempts: unknown[] };
  error?: ResilienceError;
  elapsedMs: number;
}

async function run<T>(
  fn: (ctx: AttemptContext) => Promise<T>,
  over: Partial<ExecuteOptions> = {},
  signal = new AbortController().signal,
): Promise<Settled<T>> {
  const start = Date.now();
  const settled = executeWithRetry(fn, { ...base, ...over }, signal).then(
    (value) => ({ value, elapsedMs: Date.now() - start }),
    (error: unknown) => {
      if (!(error instanceof ResilienceError)) throw error;
      return { error, elapsedMs: Date.now() - start };
    },
  );
  await vi.runAllTimersAsync();
  return settled;
}

const delays = (s: Settled<unknown>) =>
  (s.value?.attempts ?? s.error?.attempts ?? []).map((a) => (a as { delayMs: number }).delayMs);

describe('executeWithRetry: what is retried', () => {
  it('returns the first success with a one-line attempt log', async () => {
    const { fn } = script('hello');
    const s = await run(fn);
    expect(s.value).toEqual({
      value: 'hello',
      attempts: [{ provider: 'openai', model: 'gpt-x', delayMs: 0, durationMs: 0 }],
    });
  });

  it('retries a 503 with full-jitter backoff and records each wait', async () => {
    const { fn, calls } = script(e503(), e503(), 'ok');
    const s = await run(fn, { random: sequence(0.25, 0.75) });
    expect(s.value?.value).toBe('ok');
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    // random·1000, then random·2000.
    expect(delays(s)).toEqual([0, 250, 1500]);
    expect(s.value?.attempts).toMatchObject([
      { error: 'server_error', status: 503 },
      { error: 'server_error', status: 503 },
      {},
    ]);
    expect(s.elapsedMs).toBe(1750);
  });

  it('stops after maxAttempts and says so', async () => {
    const { fn, calls } = script(e503());
    const s = await run(fn);
    expect(calls).toHaveLength(4);
    expect(delays(s)).toEqual([0, 500, 1000, 2000]);
    expect(s.error).toMatchObject({
      reason: 'attempts_exhausted',
      data: { code: 'server_error', status: 503, provider: 'openai', model: 'gpt-x' },
    });
    expect(s.error?.message).toMatch(/Gave up after 4 attempts\.$/);
    expect(s.error?.data.attemptLog).toHaveLength(4);
  });

  it.each([
    [
      'quota 429',
      upstream({ status: 429, providerCode: 'insufficient_quota', headers: { 'retry-after': '1' } }),
      'quota_exhausted',
    ],
    ['400', upstream({ status: 400 }), 'invalid_request'],
    ['401', upstream({ status: 401 }), 'auth'],
    ['403', upstream({ status: 403 }), 'permission'],
    ['404', upstream({ status: 404 }), 'not_found'],
    ['413', upstream({ status: 413 }), 'too_large'],
    ['422', upstream({ status: 422 }), 'invalid_request'],
    ['content filter', upstream({ status: 400, providerCode: 'content_filter' }), 'content_filtered'],
    [
      '503 with x-should-retry: false',
      upstream({ status: 503, headers: { 'x-should-retry': 'false' } }),
      'server_error',
    ],
  ])('never retries %s', async (_, err, code) => {
    const { fn, calls } = script(err);
    const s = await run(fn);
    expect(calls).toHaveLength(1);
    expect(s.error).toMatchObject({ reason: 'not_retryable', data: { code } });
  });

  it('retries a 400 the server marks x-should-retry: true', async () => {
    const { fn, calls } = script(upstream({ status: 400, headers: { 'x-should-retry': 'true' } }), 'ok');
    expect((await run(fn)).value?.value).toBe('ok');
    expect(calls).toHaveLength(2);
  });

  it('does not retry a bug, and reports it as internal', async () => {
    const { fn, calls } = script(new TypeError('x is undefined'));
    const s = await run(fn);
    expect(calls).toHaveLength(1);
    expect(s.error).toMatchObject({ reason: 'not_retryable', data: { code: 'internal' } });
  });
});

describe('executeWithRetry: server hints', () => {
  it.each([
    ['retry-after: 0.1', { 'retry-after': '0.1' }, 100],
    ['retry-after: 2', { 'retry-after': '2' }, 2000],
    ['retry-after-ms: 0', { 'retry-after-ms': '0' }, 0],
    ['a past HTTP date', { 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, 0],
    ['retry-after: abc (normal backoff)', { 'retry-after': 'abc' }, 500],
    ['retry-after: -5 (normal backoff)', { 'retry-after': '-5' }, 500],
  ])('%s → waits %i ms', async (_, headers, ms) => {
    const { fn } = script(upstream({ status: 429, headers }), 'ok');
    const s = await run(fn);
    expect(delays(s)).toEqual([0, ms]);
  });

  it('529 without a hint backs off', async () => {
    const { fn } = script(upstream({ provider: 'anthropic', status: 529, providerType: 'overloaded_error' }), 'ok');
    expect(delays(await run(fn, { provider: 'anthropic', random: () => 0.9 }))).toEqual([0, 900]);
  });

  it('Gemini RetryInfo 37s is waited, and a second one past the budget fails fast', async () => {
    const gemini429 = () =>
      upstream({ provider: 'gemini', status: 429, providerType: 'RESOURCE_EXHAUSTED', retryDelayMs: 37_000 });
    const { fn, calls } = script(gemini429(), gemini429(), 'ok');
    const s = await run(fn, { provider: 'gemini', model: 'gemini-x' });
    expect(calls).toHaveLength(2);
    expect(delays(s)).toEqual([0, 37_000]);
    expect(s.error).toMatchObject({ reason: 'hint_over_budget', data: { code: 'rate_limited', retryAfterMs: 37_000 } });
    expect(s.error?.message).toMatch(
      /^Gemini asks to wait 37 s \(RetryInfo: 37000\), more than the 23 s left of the 60 s retry budget/,
    );
    expect(s.elapsedMs).toBe(37_000);
  });

  it('retry-after: 120 over a 60 s budget fails at once, naming the wait, without sleeping', async () => {
    const { fn, calls } = script(
      upstream({ status: 429, providerType: 'rate_limit_error', headers: { 'retry-after': '120' } }),
      'ok',
    );
    const s = await run(fn);
    expect(calls).toHaveLength(1);
    expect(s.elapsedMs).toBe(0);
    expect(s.error).toMatchObject({
      reason: 'hint_over_budget',
      data: { code: 'rate_limited', retryAfterMs: 120_000 },
    });
    expect(s.error?.message).toMatch(
      /^OpenAI asks to wait 120 s \(retry-after: 120\), more than the 60 s retry budget; not waiting, so a fallback can answer sooner\. OpenAI \(HTTP 429/,
    );
  });

  it('all the backoff waits together stay inside the retry budget', async () => {
    const { fn, calls } = script(e503());
    const s = await run(fn, { retry: { ...base.retry, maxAttempts: 10, retryBudgetMs: 5000 }, random: () => 0.99 });
    expect(delays(s).reduce((a, b) => a + b, 0)).toBe(5000);
    expect(s.error?.reason).toBe('budget_exhausted');
    expect(calls.length).toBeLessThan(10);
  });
});

describe('executeWithRetry: cancellation', () => {
  it('a cancel during a wait ends it at once and makes no further attempt', async () => {
    const ac = new AbortController();
    const { fn, calls } = script(upstream({ status: 429, headers: { 'retry-after': '30' } }), 'ok');
    const log: string[] = [];
    const settled = executeWithRetry(fn, { ...base, log: (event) => log.push(event) }, ac.signal).catch(
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toContain('retry');
    ac.abort();
    const err = await settled;
    expect(err).toBeInstanceOf(ResilienceError);
    expect(err).toMatchObject({ reason: 'cancelled', data: { code: 'cancelled' } });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
  });

  it('a cancel during an attempt aborts its signal and returns at once, even if the attempt ignores it', async () => {
    const ac = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    const settled = executeWithRetry(
      (ctx) => {
        attemptSignal = ctx.signal;
        return new Promise<string>(() => undefined);
      },
      base,
      ac.signal,
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    ac.abort();
    expect(attemptSignal?.aborted).toBe(true);
    expect(await settled).toMatchObject({ reason: 'cancelled', attempts: [{ error: 'cancelled' }] });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already-cancelled caller makes no attempt', async () => {
    const { fn, calls } = script('ok');
    const s = await run(fn, {}, AbortSignal.abort());
    expect(calls).toHaveLength(0);
    expect(s.error?.reason).toBe('cancelled');
  });
});

/** A stream that yields `texts`, then waits forever (like a server sending only pings). */
async function* stalls(texts: string[], signal: AbortSignal): AsyncGenerator<ProviderStreamEvent> {
  for (const text of texts) yield { type: 'text', text };
  await new Promise((_, reject) =>
    signal.addEventListener('abort', () =>
      reject(new UpstreamError({ provider: 'openai', kind: 'aborted', message: 'aborted' })),
    ),
  );
}

async function consume(
  ctx: AttemptContext,
  events: AsyncIterable<ProviderStreamEvent>,
  commit: boolean,
): Promise<string> {
  let text = '';
  for await (const ev of ctx.guard(events)) {
    if (ev.type === 'text') {
      text += ev.text;
      if (commit) ctx.commit();
    }
  }
  return text;
}

describe('executeWithRetry: timeouts', () => {
  it('a non-streamed call gets callMs, then is retried; the log names the phase', async () => {
    const log: Array<[string, Record<string, unknown>]> = [];
    let calls = 0;
    const s = await run(
      (ctx) => {
        calls++;
        return calls === 1
          ? new Promise<string>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))))
          : Promise.resolve('ok');
      },
      { log: (event, fields) => log.push([event, fields]) },
    );
    expect(s.value?.value).toBe('ok');
    expect(s.value?.attempts).toMatchObject([{ error: 'timeout', durationMs: 120_000 }, { delayMs: 500 }]);
    expect(log.find(([e]) => e === 'timeout')?.[1]).toMatchObject({
      provider: 'openai',
      model: 'gpt-x',
      attempt: 1,
      phase: 'first byte',
    });
    expect(log.find(([e]) => e === 'retry')?.[1]).toMatchObject({
      provider: 'openai',
      model: 'gpt-x',
      attempt: 2,
      delayMs: 500,
      source: 'backoff',
      code: 'timeout',
    });
  });

  it('the request deadline covers attempts and waits, and is not retried past', async () => {
    const { fn, calls } = script(e503());
    const hang = (ctx: AttemptContext) => (calls.length >= 1 ? new Promise<string>(() => undefined) : fn(ctx));
    const s = await run(hang, { deadline: { at: Date.now() + 5000, totalMs: 5000 } });
    expect(s.elapsedMs).toBe(5000);
    expect(s.error).toMatchObject({ reason: 'deadline', data: { code: 'timeout' } });
    expect(s.error?.message).toMatch(/deadline, 5 s, timeouts\.requestMs/);
    expect(s.error?.attempts).toHaveLength(2);
  });

  it('a wait that would pass the deadline is not started', async () => {
    const { fn, calls } = script(upstream({ status: 429, headers: { 'retry-after': '10' } }), 'ok');
    const s = await run(fn, { deadline: { at: Date.now() + 5000, totalMs: 5000 } });
    expect(calls).toHaveLength(1);
    expect(s.elapsedMs).toBe(0);
    expect(s.error?.reason).toBe('deadline');
  });

  it('a stream that goes idle before anything reached the client is retried', async () => {
    let n = 0;
    const s = await run(
      (ctx) => consume(ctx, n++ === 0 ? stalls(['Hel'], ctx.signal) : stalls([], ctx.signal), false),
      {
        mode: 'stream',
        timeouts: { ...base.timeouts, streamIdleMs: 1000, firstByteMs: 2000 },
        retry: { ...base.retry, maxAttempts: 2 },
      },
    );
    expect(s.error?.attempts).toMatchObject([
      { error: 'timeout', durationMs: 1000 },
      { error: 'timeout', durationMs: 2000 },
    ]);
    expect(s.error?.message).toMatch(/first byte timeout, 2 s/);
  });

  it('a stream that fails after a chunk reached the client is not retried: stream_interrupted with the partial text', async () => {
    const { fn, calls } = script('unused');
    const s = await run(
      async (ctx) => {
        await fn(ctx);
        return consume(ctx, stalls(['Hel', 'lo'], ctx.signal), true);
      },
      { mode: 'stream', timeouts: { ...base.timeouts, streamIdleMs: 1000 } },
    );
    expect(calls).toHaveLength(1);
    expect(s.error).toMatchObject({ reason: 'committed', data: { code: 'stream_interrupted', partialText: 'Hello' } });
    expect(s.error?.message).toMatch(/stream idle timeout.*not retried/);
  });

  it('a truncated stream is retried while nothing reached the client', async () => {
    const truncated = upstream({ kind: 'truncated', partialText: 'Hel' });
    const { fn, calls } = script(truncated, 'ok');
    expect((await run(fn, { mode: 'stream' })).value?.value).toBe('ok');
    expect(calls).toHaveLength(2);
  });
});

describe('executeWithRetry: circuit breaker', () => {
  const breakerSettings = {
    consecutiveFailures: 2,
    failureRate: 1,
    minRequests: 100,
    windowMs: 60_000,
    openMs: 30_000,
  };

  it('an open circuit fails at once, with a distinct signal and no attempt', async () => {
    const breaker = new CircuitBreaker('openai/gpt-x', { ...breakerSettings, consecutiveFailures: 1 });
    breaker.tryAcquire()?.failure('overloaded');
    const { fn, calls } = script('ok');
    const s = await run(fn, { breaker });
    expect(calls).toHaveLength(0);
    expect(s.elapsedMs).toBe(0);
    expect(isCircuitOpen(s.error)).toBe(true);
    expect(s.error).toMatchObject({ data: { code: 'circuit_open', retryAfterMs: 30_000 }, attempts: [] });
    expect(s.error?.message).toMatch(/OpenAI gpt-x is failing after repeated overloaded failures.*tried again in 30 s/);
  });

  it('stops retrying as soon as its own failures open the circuit', async () => {
    const breaker = new CircuitBreaker('openai/gpt-x', breakerSettings);
    const { fn, calls } = script(e503());
    const s = await run(fn, { breaker });
    expect(calls).toHaveLength(2);
    expect(s.error?.reason).toBe('circuit_open');
    expect(s.elapsedMs).toBe(500);
  });

  it('a success closes a half-open circuit; client errors and cancels do not count against it', async () => {
    const breaker = new CircuitBreaker('openai/gpt-x', breakerSettings);
    await run(script(upstream({ status: 400 })).fn, { breaker });
    await run(script(upstream({ status: 401 })).fn, { breaker });
    expect(breaker.state).toBe('closed');
    await run(script(e503()).fn, { breaker, retry: { ...base.retry, maxAttempts: 2 } });
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(30_000);
    const s = await run(script('ok').fn, { breaker });
    expect(s.value?.value).toBe('ok');
    expect(breaker.state).toBe('closed');
  });
});
