import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../integration/harness';
import { redisAvailable } from '../../../integration/redisServer';
import { useRedis } from './teamRedis';

describe.skipIf(!redisAvailable())('TeamConnection: health and rejoin', () => {
  const env = useRedis();

  it('starts degraded when Redis is not there, with the reason, and connects by itself once it is', async () => {
    await env.redis.pause({ keepData: false });
    const conn = await env.connect('late');
    expect(conn.mode).toBe('degraded');
    expect(conn.problem).toMatch(/ECONNREFUSED/);
    let ups = 0;
    conn.on('up', () => ups++);
    await env.redis.resume();
    await waitFor(() => conn.up, 10_000, 'the connection to come up');
    expect(ups).toBe(1);
    expect(conn.problem).toBeUndefined();
    expect(await conn.client.ping()).toBe('PONG');
  });

  it('says down once when Redis goes, and commands fail at once instead of queueing', async () => {
    const conn = await env.connect('down');
    const downs: string[] = [];
    conn.on('down', (p) => downs.push(p));
    await env.redis.pause();
    await waitFor(() => conn.mode === 'degraded', 10_000, 'degraded');
    // No offline queue: the command is refused, so the caller can fall back to its local part.
    await expect(conn.client.get('x')).rejects.toThrow(/enableOfflineQueue|Connection is closed|max retries/);
    expect(downs).toHaveLength(1);
    await env.redis.resume();
    await waitFor(() => conn.up, 10_000, 'the connection to come back');
  });

  it("keys are the team's own", async () => {
    const conn = await env.connect('platform');
    expect(conn.key('budget', 'd:2026-01-01')).toBe('conduit:platform:budget:d:2026-01-01');
  });
});
