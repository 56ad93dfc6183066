import { describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import type { RateLimitEnforcer } from '../fakes/rateLimitEnforcer';
import { ask, busiestWindow } from './rateLimitHelpers';
import { redisAvailable } from './redisServer';
import { useTeam } from './teamHelpers';

/**
 * The run is two daemons sharing RPM = 60, with 150 requests: at most 60 reach the
 * provider in any minute, and no 429. Scaled 10× in time, as rateLimitAccuracy does: the fake
 * enforces 60 requests per 6-second sliding window (600 RPM), each daemon is configured with
 * the provider's 600 RPM, and 150 requests then take about 15 s instead of 150 s. Either daemon
 * alone would happily send 600 RPM; only the shared limiter in Redis keeps the two together under it.
 */
const WINDOW_MS = 6000;
const PER_WINDOW = 60;
const TOTAL = 150;
let enforcer: RateLimitEnforcer;

describe.skipIf(!redisAvailable())('team mode: two daemons share one rate limit through Redis', () => {
  const team = useTeam({
    // margin 0.1: scaled 10× in time, each machine's timer jitter (a few ms, more under load)
    // weighs 10× more against the 100-ms spacing than it would against the real 1-s one.
    config: {
      rateLimit: { tier: 'custom', overrides: { openai: { rpm: 600, tpm: 10_000_000, burst: 1 } }, margin: 0.1 },
      cache: { enabled: false },
    },
    before: (fake) => {
      enforcer = fake.enforceLimits('openai', { requests: { limit: PER_WINDOW, windowMs: WINDOW_MS } })!;
    },
  });

  it('150 requests from both daemons: never more than 60 in any window, no 429, every one answered', async () => {
    let next = 0;
    const failures: string[] = [];
    const sentBy = { a: 0, b: 0 };
    const take = () => (next < TOTAL ? next++ : undefined);
    const loop = async (client: DaemonClient, name: 'a' | 'b') => {
      for (let i = take(); i !== undefined; i = take()) {
        try {
          await client.chat(ask('openai', `${name} ${i}`));
          sentBy[name]++;
        } catch (err) {
          failures.push(`${name} #${i}: ${String(err)}`);
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: 8 }, () => loop(team.a.client, 'a')),
      ...Array.from({ length: 8 }, () => loop(team.b.client, 'b')),
    ]);

    expect(failures).toEqual([]);
    // Both daemons really took part.
    expect(sentBy.a).toBeGreaterThan(30);
    expect(sentBy.b).toBeGreaterThan(30);
    expect(enforcer.rejected).toEqual([]);
    const times = enforcer.accepted.map((x) => x.at);
    expect(times).toHaveLength(TOTAL);
    const busiest = busiestWindow(times, WINDOW_MS);
    console.log(
      `team rate limit: busiest 6-s window ${busiest}/${PER_WINDOW}, ${((TOTAL - 1) / ((Math.max(...times) - Math.min(...times)) / 1000)).toFixed(2)} requests/s against ${PER_WINDOW / (WINDOW_MS / 1000)}/s`,
    );
    expect(busiest).toBeLessThanOrEqual(PER_WINDOW);
  });
});
