import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  MAX_WINDOW_OUTCOMES,
  type BreakerSettings,
  type BreakerSnapshot,
} from '../../../../daemon/resilience/circuitBreaker';

const settings: BreakerSettings = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  minRequests: 6,
  windowMs: 60_000,
  openMs: 30_000,
};

function setup(over: Partial<BreakerSettings> = {}) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const breaker = new CircuitBreaker('anthropic/claude-x', { ...settings, ...over }, { now: clock.now });
  const events: string[] = [];
  breaker.onBreak(() => events.push('break'));
  breaker.onHalfOpen(() => events.push('half-open'));
  breaker.onReset(() => events.push('reset'));
  const succeed = () => breaker.tryAcquire()?.success();
  const fail = (
    code: Parameters<NonNullable<ReturnType<CircuitBreaker['tryAcquire']>>['failure']>[0] = 'server_error',
  ) => breaker.tryAcquire()?.failure(code);
  return { breaker, clock, events, succeed, fail };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive health failures and then refuses at once', () => {
    const { breaker, events, fail } = setup();
    fail();
    fail();
    expect(breaker.state).toBe('closed');
    fail('overloaded');
    expect(breaker.state).toBe('open');
    expect(events).toEqual(['break']);
    expect(breaker.tryAcquire()).toBeNull();
  });

  it('a success in between resets the run', () => {
    const { breaker, fail, succeed } = setup();
    fail();
    fail();
    succeed();
    fail();
    fail();
    expect(breaker.state).toBe('closed');
  });

  it('only health failures count: rate limits, bad requests and auth say nothing about health', () => {
    const { breaker, fail } = setup();
    for (const code of ['rate_limited', 'quota_exhausted', 'invalid_request', 'auth', 'too_large'] as const) {
      fail(code);
      fail(code);
      fail(code);
    }
    expect(breaker.state).toBe('closed');
    fail('timeout');
    fail('network');
    fail('stream_interrupted');
    expect(breaker.state).toBe('open');
  });

  it('a cancelled call is neither a success nor a failure', () => {
    const { breaker, fail } = setup();
    fail();
    fail();
    breaker.tryAcquire()?.release();
    fail();
    expect(breaker.state).toBe('open');
  });

  it('opens on the failure rate over the window, once there are enough calls', () => {
    const { breaker, fail, succeed } = setup({ consecutiveFailures: 100 });
    // 2 of 5 failed: below minRequests anyway.
    succeed();
    fail();
    succeed();
    fail();
    succeed();
    expect(breaker.state).toBe('closed');
    // 3 of 6 failed: 50 % ≥ failureRate.
    fail();
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot()).toMatchObject({ windowRequests: 6, windowFailures: 3 });
  });

  it('forgets calls older than the window', () => {
    const { breaker, clock, fail, succeed } = setup({ consecutiveFailures: 100 });
    fail();
    fail();
    fail();
    succeed();
    succeed();
    clock.advance(60_001);
    succeed();
    succeed();
    succeed();
    succeed();
    succeed();
    fail();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ windowRequests: 6, windowFailures: 1 });
  });

  it('after openMs lets exactly one probe through; a concurrent caller is refused at once', () => {
    const { breaker, clock, events, fail } = setup();
    fail();
    fail();
    fail();
    clock.advance(29_999);
    expect(breaker.tryAcquire()).toBeNull();
    clock.advance(1);
    const probe = breaker.tryAcquire();
    expect(probe).not.toBeNull();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.tryAcquire()).toBeNull();
    probe?.success();
    expect(breaker.state).toBe('closed');
    expect(events).toEqual(['break', 'half-open', 'reset']);
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('a failed probe opens it again for another openMs', () => {
    const { breaker, clock, events, fail } = setup();
    fail();
    fail();
    fail();
    clock.advance(30_000);
    breaker.tryAcquire()?.failure('server_error');
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().nextProbeAt).toBe(clock.now() + 30_000);
    expect(events).toEqual(['break', 'half-open', 'break']);
  });

  it('a cancelled probe frees the slot for another probe', () => {
    const { breaker, clock, fail } = setup();
    fail();
    fail();
    fail();
    clock.advance(30_000);
    breaker.tryAcquire()?.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('a probe answered with a client error proves the provider answers, and closes it', () => {
    const { breaker, clock, fail } = setup();
    fail();
    fail();
    fail();
    clock.advance(30_000);
    breaker.tryAcquire()?.failure('invalid_request');
    expect(breaker.state).toBe('closed');
  });

  it('ignores the outcome of calls that started before it opened', () => {
    const { breaker, clock, fail } = setup();
    const slow = breaker.tryAcquire();
    fail();
    fail();
    fail();
    slow?.success();
    expect(breaker.state).toBe('open');
    clock.advance(30_000);
    slow?.success();
    expect(breaker.state).toBe('half-open');
  });

  it('reports each permit once', () => {
    const { breaker } = setup();
    const permit = breaker.tryAcquire();
    permit?.failure('server_error');
    permit?.failure('server_error');
    permit?.failure('server_error');
    expect(breaker.snapshot().failures).toBe(1);
  });

  it('has a JSON snapshot for conduit status', () => {
    const { breaker, clock, fail } = setup();
    const closed: BreakerSnapshot = breaker.snapshot();
    expect(closed).toEqual({
      key: 'anthropic/claude-x',
      state: 'closed',
      failures: 0,
      windowRequests: 0,
      windowFailures: 0,
      openedAt: null,
      nextProbeAt: null,
      lastFailure: null,
    });
    fail();
    fail();
    fail('timeout');
    const openedAt = clock.now();
    expect(JSON.parse(JSON.stringify(breaker.snapshot()))).toEqual({
      key: 'anthropic/claude-x',
      state: 'open',
      failures: 3,
      windowRequests: 3,
      windowFailures: 3,
      openedAt,
      nextProbeAt: openedAt + 30_000,
      lastFailure: 'timeout',
    });
    clock.advance(30_000);
    expect(breaker.snapshot()).toMatchObject({ state: 'half-open', openedAt, nextProbeAt: openedAt + 30_000 });
  });

  it('reads its settings each time, so a config reload applies', () => {
    let current = { ...settings };
    const breaker = new CircuitBreaker('k', () => current, { now: () => 0 });
    current = { ...settings, consecutiveFailures: 1 };
    breaker.tryAcquire()?.failure('network');
    expect(breaker.state).toBe('open');
  });

  it('holds a bounded number of outcomes however many calls succeed within its window', () => {
    const { breaker, succeed, fail } = setup({ consecutiveFailures: 1000 });
    for (let i = 0; i < 10 * MAX_WINDOW_OUTCOMES; i++) succeed();
    expect(breaker.outcomesHeld).toBeLessThan(2 * MAX_WINDOW_OUTCOMES);
    // The rate is still that of the recent calls: a few failures among many successes do not trip.
    for (let i = 0; i < 5; i++) fail();
    expect(breaker.state).toBe('closed');
    expect(breaker.outcomesHeld).toBeLessThanOrEqual(MAX_WINDOW_OUTCOMES);
  });

  it('still trips on the failure rate of the recent calls once the window was trimmed', () => {
    const { breaker, succeed, fail } = setup({ consecutiveFailures: 1000 });
    for (let i = 0; i < 3 * MAX_WINDOW_OUTCOMES; i++) succeed();
    let failures = 0;
    while (breaker.state === 'closed' && failures < 2 * MAX_WINDOW_OUTCOMES) {
      fail();
      failures++;
    }
    expect(breaker.state).toBe('open');
    // Half of at most MAX_WINDOW_OUTCOMES recent outcomes, not half of every call ever made.
    expect(failures).toBeLessThanOrEqual(MAX_WINDOW_OUTCOMES / 2);
  });
});
