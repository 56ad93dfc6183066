import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedLimiter } from '../../../../daemon/team/sharedLimiter';
import { TeamConnection } from '../../../../daemon/team/teamConnection';
import { RedisServer, redisAvailable } from '../../../integration/redisServer';

function busiest(times: number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe.skipIf(!redisAvailable())('SharedLimiter (Bottleneck clustering on a real redis-server)', () => {
  let redis: RedisServer;
  const conns: TeamConnection[] = [];
  const limiters: SharedLimiter[] = [];
  beforeAll(async () => { redis = await RedisServer.start(); });
  afterAll(async () => {
    for (const l of limiters) await l.close();
    for (const c of conns) await c.close();
    await redis.stop();
  });

  async function member(): Promise<SharedLimiter> {
    const conn = new TeamConnection({ url: redis.url, teamId: 'unit', commandTimeoutMs: 1000 });
    await conn.start();
    conns.push(conn);
    const l = new SharedLimiter(conn);
    limiters.push(l);
    return l;
  }

  it('two members with the same key are paced as one: 1200 RPM (one per 50 ms) for 20 calls from both', async () => {
    const [x, y] = [await member(), await member()];
    const times: number[] = [];
    const limit = { provider: 'openai', keyId: 'k1', rpm: 1200, margin: 0 };
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? x : y).run(limit, new AbortController().signal, async () => { times.push(Date.now()); })));
    times.sort((a, b) => a - b);
    expect(times).toHaveLength(20);
    // Redis spaces the starts exactly; each process's timers add a few ms of jitter to when a
    // call really runs, so the check allows for it rather than demanding 50 ms between neighbours.
    expect(times[19]! - times[0]!).toBeGreaterThanOrEqual(19 * 50 - 60);
    expect(busiest(times, 250)).toBeLessThanOrEqual(6);
  }, 30_000);
});
