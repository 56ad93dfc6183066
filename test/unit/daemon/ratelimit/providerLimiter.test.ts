import { describe, expect, it } from 'vitest';
import { ConduitError, type Priority } from '../../../../protocol';
import { LimitPressure } from '../../../../daemon/ratelimit/limitPressure';
import { ProviderLimiter, type Permit, type TokenCount } from '../../../../daemon/ratelimit/providerLimiter';
import type { ProviderLimits } from '../../../../daemon/ratelimit/tierPresets';
import { FakeClock, flush } from './fakeClock';

const small: TokenCount = { input: 10, output: 10 };

function limiter(
  limits: ProviderLimits,
  opts: { maxQueue?: number; provider?: 'anthropic' | 'openai' | 'gemini' } = {},
) {
  const clock = new FakeClock();
  const pressure = new LimitPressure();
  const l = new ProviderLimiter({
    provider: opts.provider ?? 'openai',
    keyId: 'k1',
    tier: 'custom',
    limits,
    margin: 0,
    maxQueue: opts.maxQueue ?? 100,
    now: clock.now,
    timers: clock,
    pressure,
  });
  return { l, clock, pressure };
}

/** Acquires, fast path first, and records the order in which permits are granted. */
function acquire(
  l: ProviderLimiter,
  name: string,
  order: string[],
  priority: Priority = 'interactive',
  signal = new AbortController().signal,
  tokens = small,
): Promise<Permit> {
  const fast = l.tryAcquire(tokens, priority);
  if (fast) {
    order.push(name);
    return Promise.resolve(fast);
  }
  return l.acquire(tokens, { priority, signal }).then((p) => {
    order.push(name);
    return p;
  });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ConduitError ? err.code : 'other';
  }
  return undefined;
}

describe('ProviderLimiter', () => {
  it('lets requests with headroom through synchronously, without a timer', () => {
    const { l, clock } = limiter({ rpm: 60, burst: 3, tpm: 1000 });
    expect(l.tryAcquire(small, 'interactive')).toBeDefined();
    expect(l.tryAcquire(small, 'interactive')).toBeDefined();
    expect(l.tryAcquire(small, 'interactive')).toBeDefined();
    expect(l.tryAcquire(small, 'interactive')).toBeUndefined();
    expect(clock.timers).toBe(0);
    expect(l.status().buckets).toEqual([
      { kind: 'requests', limit: 60, remaining: 0, fullAt: clock.now() + 3000 },
      { kind: 'tokens', limit: 1000, remaining: 940, fullAt: clock.now() + 3600 },
    ]);
  });

  it('queues the excess and serves it as the bucket refills, one timer at a time', async () => {
    const { l, clock } = limiter({ rpm: 60, burst: 1 });
    const order: string[] = [];
    void acquire(l, 'a', order);
    void acquire(l, 'b', order);
    void acquire(l, 'c', order);
    await flush();
    expect(order).toEqual(['a']);
    expect(clock.timers).toBe(1);
    // Served up to 5 ms early, so that a late timer costs no throughput.
    await clock.advance(990);
    expect(order).toEqual(['a']);
    await clock.advance(10);
    expect(order).toEqual(['a', 'b']);
    await clock.advance(1000);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(clock.timers).toBe(0);
  });

  it('serves interactive requests before background ones, first come first served within each', async () => {
    const { l, clock } = limiter({ rpm: 60, burst: 1 });
    const order: string[] = [];
    void acquire(l, 'first', order, 'background');
    for (const name of ['bg1', 'bg2']) void acquire(l, name, order, 'background');
    for (const name of ['i1', 'i2']) void acquire(l, name, order, 'interactive');
    await clock.advance(4000);
    expect(order).toEqual(['first', 'i1', 'i2', 'bg1', 'bg2']);
  });

  it('an interactive request with headroom does not wait behind queued background ones; a background one does', () => {
    const { l } = limiter({ rpm: 600, burst: 10, tpm: 1000 });
    l.tryAcquire({ input: 100, output: 100 }, 'interactive');
    // Tokens are short, not requests: a big background request waits for them.
    void l.acquire({ input: 400, output: 490 }, { priority: 'background', signal: new AbortController().signal });
    expect(l.tryAcquire({ input: 1, output: 1 }, 'background')).toBeUndefined();
    expect(l.tryAcquire({ input: 1, output: 1 }, 'interactive')).toBeDefined();
  });

  it('refunds the unused estimate when a request settles, and a waiting request gets it at once', async () => {
    const { l } = limiter({ rpm: 1000, tpm: 1000 });
    const order: string[] = [];
    const big = await acquire(l, 'big', order, 'interactive', undefined, { input: 100, output: 800 });
    void acquire(l, 'next', order, 'interactive', undefined, { input: 100, output: 800 });
    await flush();
    expect(order).toEqual(['big']);
    big.settle({ input: 50, output: 0 }, {});
    await flush();
    expect(order).toEqual(['big', 'next']);
    expect(l.status().buckets[1]!.remaining).toBe(1000 - 50 - 900);
  });

  it('charges a request that used more than estimated', async () => {
    const { l } = limiter({ tpm: 1000 });
    const p = l.tryAcquire({ input: 10, output: 10 }, 'interactive')!;
    p.settle({ input: 10, output: 500 }, {});
    expect(l.status().buckets[0]!.remaining).toBe(490);
  });

  it('a full queue fails at once with queue_full, saying when capacity returns', () => {
    const { l } = limiter({ rpm: 60, burst: 1 }, { maxQueue: 2 });
    l.tryAcquire(small, 'interactive');
    void l.acquire(small, { priority: 'interactive', signal: new AbortController().signal });
    void l.acquire(small, { priority: 'interactive', signal: new AbortController().signal });
    try {
      void l.acquire(small, { priority: 'interactive', signal: new AbortController().signal });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConduitError);
      const data = (err as ConduitError).data;
      expect(data.code).toBe('queue_full');
      expect(data.message).toMatch(
        /^2 requests are already waiting for OpenAI's rate limit \(rateLimit\.maxQueue\); capacity for another returns in 3 s \(at \d\d:\d\d:\d\d UTC\)\. Nothing was sent/,
      );
      expect(data.retryAfterMs).toBe(3000);
    }
  });

  it('a request whose turn would come after its deadline fails at once with rate_limited and when capacity returns', () => {
    const { l, clock } = limiter({ rpm: 60, burst: 1 });
    l.tryAcquire(small, 'interactive');
    void l.acquire(small, { priority: 'interactive', signal: new AbortController().signal });
    try {
      void l.acquire(small, {
        priority: 'interactive',
        signal: new AbortController().signal,
        deadlineAt: clock.now() + 1500,
      });
      expect.unreachable();
    } catch (err) {
      const data = (err as ConduitError).data;
      expect(data.code).toBe('rate_limited');
      expect(data.message).toMatch(
        /^OpenAI's rate limit for this key will have room for this request only in 2 s \(at \d\d:\d\d:\d\d UTC\), past the request's deadline \(1\.5 s left\), so it was not queued\. Nothing was sent/,
      );
      expect(data.retryAfterMs).toBe(2000);
    }
    // Within the deadline it waits instead.
    expect(
      () =>
        void l.acquire(small, {
          priority: 'interactive',
          signal: new AbortController().signal,
          deadlineAt: clock.now() + 2500,
        }),
    ).not.toThrow();
  });

  it('cancelling a queued request takes it out of the queue at once', async () => {
    const { l, clock } = limiter({ rpm: 60, burst: 1 });
    const order: string[] = [];
    void acquire(l, 'a', order);
    const ac = new AbortController();
    const cancelled = acquire(l, 'b', order, 'interactive', ac.signal);
    void acquire(l, 'c', order);
    expect(l.queued).toBe(2);
    ac.abort(new Error('user cancelled'));
    await expect(cancelled).rejects.toThrow('user cancelled');
    expect(l.queued).toBe(1);
    await clock.advance(1000);
    expect(order).toEqual(['a', 'c']);
  });

  it("a request larger than a whole minute's allowance fails at once with too_large", () => {
    const { l } = limiter({ itpm: 1000, otpm: 500 }, { provider: 'anthropic' });
    expect(codeOf(() => l.assertCanEverFit({ input: 100, output: 600 }))).toBe('too_large');
    expect(
      codeOf(() =>
        l.acquire({ input: 2000, output: 10 }, { priority: 'interactive', signal: new AbortController().signal }),
      ),
    ).toBe('too_large');
    try {
      l.assertCanEverFit({ input: 100, output: 600 });
    } catch (err) {
      expect((err as ConduitError).message).toMatch(
        /needs about 600 tokens of Anthropic's output-tokens-per-minute limit .* but the limit for this key is 500, so it can never be sent/,
      );
    }
    expect(l.tryAcquire({ input: 100, output: 400 }, 'interactive')).toBeDefined();
  });

  it('headers reporting less headroom slow the limiter (Anthropic and OpenAI formats)', async () => {
    const { l, clock } = limiter({ rpm: 600, burst: 100 }, { provider: 'anthropic' });
    const p = l.tryAcquire(small, 'interactive')!;
    // Empty, and full again in a minute: the next request may go one refill interval (100 ms) later, not at the reset.
    p.settle(small, {
      'anthropic-ratelimit-requests-limit': '600',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': new Date(clock.now() + 60_000).toISOString(),
    });
    expect(l.tryAcquire(small, 'interactive')).toBeUndefined();
    const order: string[] = [];
    void acquire(l, 'after', order);
    await clock.advance(90);
    expect(order).toEqual([]);
    await clock.advance(10);
    expect(order).toEqual(['after']);

    const o = limiter({ rpm: 600, burst: 100, tpm: 100_000 }).l;
    o.tryAcquire(small, 'interactive')!.settle(small, {
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-remaining-tokens': '50',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(o.status().buckets).toMatchObject([
      { kind: 'requests', limit: 60, remaining: 2 },
      { kind: 'tokens', limit: 100_000, remaining: 50 },
    ]);
  });

  it('a 429 with a hint pauses the limiter for everyone until then', async () => {
    const { l, clock, pressure } = limiter({ rpm: 6000, burst: 100 });
    const p = l.tryAcquire(small, 'interactive')!;
    p.fail({ status: 429, headers: {}, pauseMs: 2000 });
    expect(l.status().pausedUntil).toBe(clock.now() + 2000);
    expect(l.tryAcquire(small, 'interactive')).toBeUndefined();
    const order: string[] = [];
    void acquire(l, 'w1', order);
    void acquire(l, 'w2', order, 'background');
    await clock.advance(1999);
    expect(order).toEqual([]);
    await clock.advance(1);
    expect(order).toEqual(['w1', 'w2']);
    expect(pressure.over(600_000, clock.now())).toEqual({ requests: 3, limited: 3 });
  });

  it('a 429 without a requests level (Gemini) empties our requests bucket: no lead is spent after the pause', async () => {
    const { l, clock } = limiter({ rpm: 60, burst: 10 }, { provider: 'gemini' });
    const fill = Array.from({ length: 10 }, () => l.tryAcquire(small, 'interactive')!);
    await clock.advance(100);
    for (const p of fill) p.settle(small, {});
    // Our bucket refilled 1.4 requests since, but the provider's is empty: it answers 429.
    await clock.advance(1400);
    l.tryAcquire(small, 'interactive')!.fail({ status: 429, headers: {}, pauseMs: 1000 });
    const order: string[] = [];
    void acquire(l, 'w1', order);
    void acquire(l, 'w2', order);
    await clock.advance(1000);
    expect(order).toEqual(['w1']);
    // With the 0.4 request of lead kept, w2 would go 600 ms later, before the provider's next unit.
    await clock.advance(999);
    expect(order).toEqual(['w1']);
    await clock.advance(1);
    expect(order).toEqual(['w1', 'w2']);
  });

  it('a 429 whose headers give the requests level (a tokens limit) keeps that level, not empty', () => {
    const { l } = limiter({ rpm: 60, burst: 10, tpm: 100_000 });
    l.tryAcquire(small, 'interactive')!.fail({
      status: 429,
      headers: { 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '5' },
    });
    expect(l.status().buckets[0]!.remaining).toBe(5);
  });

  it('an error answer refunds its tokens but not its request', () => {
    const { l } = limiter({ rpm: 60, burst: 10, tpm: 1000 });
    l.tryAcquire({ input: 100, output: 100 }, 'interactive')!.fail({ status: 500, headers: {} });
    expect(l.status().buckets.map((b) => b.remaining)).toEqual([9, 1000]);
    l.tryAcquire({ input: 100, output: 100 }, 'interactive')!.fail({ headers: {} });
    expect(l.status().buckets.map((b) => b.remaining)).toEqual([8, 800]);
  });
});
