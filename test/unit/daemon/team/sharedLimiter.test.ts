import { afterAll, describe, expect, it } from 'vitest';
import type { Timers } from '../../../../daemon/resilience/timers';
import { SharedLimiter } from '../../../../daemon/team/sharedLimiter';
import { redisAvailable } from '../../../integration/redisServer';
import { waitFor } from '../../../integration/harness';
import { useRedis } from './teamRedis';

/**
 * Timers that record each wait for the team's turn and never end it: a call given a wait is seen
 * waiting (no sleep needed), and can only go on through an abort or Redis going away.
 */
function heldTimers(): { timers: Timers; waits: number[] } {
  const waits: number[] = [];
  const timers: Timers = {
    now: () => Date.now(),
    setTimeout: (_fn, ms) => waits.push(ms),
    clearTimeout: () => undefined,
  };
  return { timers, waits };
}

function busiest(times: number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe.skipIf(!redisAvailable())('SharedLimiter (a token bucket in a real redis-server)', () => {
  const env = useRedis();
  const limiters: SharedLimiter[] = [];
  afterAll(async () => {
    for (const l of limiters) await l.close();
  });
  const member = async (team = 'unit', timers?: Timers) => {
    const l = new SharedLimiter(await env.connect(team), undefined, timers);
    limiters.push(l);
    return l;
  };

  it('two members with the same key are paced as one: 1200 RPM with a bucket of 1 (one per ~53 ms after the 5 % team margin) for 20 calls from both', async () => {
    const [x, y] = [await member(), await member()];
    const times: number[] = [];
    const limit = { provider: 'openai', keyId: 'k1', rpm: 1200, burst: 1, margin: 0 };
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? x : y).run(limit, new AbortController().signal, async () => {
          times.push(Date.now());
        }),
      ),
    );
    times.sort((a, b) => a - b);
    expect(times).toHaveLength(20);
    // Redis spaces the starts exactly; each process's timers add a few ms of jitter to when a
    // call really runs, so the check allows for it rather than demanding 50 ms between neighbours.
    expect(times[19]! - times[0]!).toBeGreaterThanOrEqual(19 * 50 - 60);
    expect(busiest(times, 250)).toBeLessThanOrEqual(6);
  });

  it('an idle team spends a whole bucket at once, then waits for the refill; both members share it', async () => {
    const [x, y] = [await member('burst'), await member('burst')];
    // 600 RPM less the 5 % margin: one unit per ~105 ms; a bucket of 11 less the margin: 10.
    const limit = { provider: 'openai', keyId: 'kb', rpm: 600, burst: 11, margin: 0 };
    const started: Array<{ who: string; at: number }> = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        (i % 2 ? x : y).run(limit, new AbortController().signal, async () => {
          started.push({ who: i % 2 ? 'x' : 'y', at: Date.now() - t0 });
        }),
      ),
    );
    started.sort((a, b) => a.at - b.at);
    // The first 10 went without waiting for any refill; the 11th to 14th one interval apart after.
    expect(started[10]!.at - started[9]!.at).toBeGreaterThanOrEqual(60);
    expect(started[13]!.at - started[10]!.at).toBeGreaterThanOrEqual(3 * 105 - 60);
    expect(started[9]!.at).toBeLessThan(started[10]!.at);
    expect(started.filter((s) => s.who === 'x')).toHaveLength(7);
  });

  it("shares token-per-minute limits too: a request's tokens wait for the team's token bucket", async () => {
    const held = heldTimers();
    const x = await member('tokens', held.timers);
    // 6,400 tokens a minute (a bucket of 6,080 and 101 a second after the margin): two requests
    // of 3,000 fit at once, a third waits for ~2,900 more tokens to refill (about 29 s), and is cancelled.
    const limit = { provider: 'openai', keyId: 'kt', rpm: 1000, margin: 0, tpm: 6400 };
    const tokens = { input: 1000, output: 2000 };
    let ran = 0;
    await x.run(
      limit,
      new AbortController().signal,
      async () => {
        ran++;
      },
      tokens,
    );
    await x.run(
      limit,
      new AbortController().signal,
      async () => {
        ran++;
      },
      tokens,
    );
    const ac = new AbortController();
    const third = x.run(
      limit,
      ac.signal,
      async () => {
        ran++;
      },
      tokens,
    );
    await waitFor(() => held.waits.length === 1, 10_000, 'the third request to be given a wait');
    // The tokens' refill (about 30 s), not the requests' spacing (63 ms at 1000 RPM less 5 %).
    expect(held.waits[0]).toBeGreaterThan(1_000);
    expect(ran).toBe(2);
    ac.abort(new Error('enough'));
    await expect(third).rejects.toThrow('enough');
  });

  it('different keys do not wait for each other', async () => {
    const x = await member();
    let ran = 0;
    // One per minute per key: were the ten keys one limiter, this would wait nine minutes (and time out).
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        x.run({ provider: 'openai', keyId: `key${i}`, rpm: 1, margin: 0 }, new AbortController().signal, async () => {
          ran++;
        }),
      ),
    );
    expect(ran).toBe(10);
  });

  it("a cancelled wait rejects with the signal's reason and never runs", async () => {
    const x = await member();
    const limit = { provider: 'gemini', keyId: 'slow', rpm: 1, margin: 0 };
    await x.run(limit, new AbortController().signal, async () => undefined);
    const ac = new AbortController();
    let ran = false;
    const waiting = x.run(limit, ac.signal, async () => {
      ran = true;
    });
    ac.abort(new Error('user cancelled'));
    await expect(waiting).rejects.toThrow('user cancelled');
    expect(ran).toBe(false);
  });

  it("calls waiting for the team's spacing run at once, locally, when Redis goes away", async () => {
    const held = heldTimers();
    const x = await member('outage', held.timers);
    const limit = { provider: 'anthropic', keyId: 'k', rpm: 1, margin: 0 };
    await x.run(limit, new AbortController().signal, async () => undefined);
    let ran = 0;
    const waiting = Promise.all(
      Array.from({ length: 3 }, () =>
        x.run(limit, new AbortController().signal, async () => {
          ran++;
        }),
      ),
    );
    // One a minute: each of the three is given a wait of its own, and none ends by its timer here.
    await waitFor(() => held.waits.length === 3, 10_000, 'the three requests to be given their waits');
    expect(ran).toBe(0);
    await env.redis.pause({ keepData: false });
    await waiting;
    expect(ran).toBe(3);
  });

  it('after Redis comes back empty, the members are paced together again', async () => {
    await env.redis.resume();
    const [x, y] = [await member('rejoin'), await member('rejoin')];
    const limit = { provider: 'openai', keyId: 'k2', rpm: 1200, burst: 1, margin: 0 };
    await x.run(limit, new AbortController().signal, async () => undefined);
    await env.redis.pause({ keepData: false });
    await env.redis.resume();
    await waitFor(() => x.connected && y.connected, 10_000, 'both members to reconnect');
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? x : y).run(limit, new AbortController().signal, async () => {
          times.push(Date.now());
        }),
      ),
    );
    times.sort((a, b) => a - b);
    expect(times[9]! - times[0]!).toBeGreaterThanOrEqual(9 * 50 - 60);
  });
});
