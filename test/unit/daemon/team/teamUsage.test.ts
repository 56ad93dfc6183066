import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../../../../protocol';
import { teamRow, TeamUsage } from '../../../../daemon/team/teamUsage';
import type { RequestRecord } from '../../../../daemon/usage/requestRecord';
import { redisAvailable } from '../../../integration/redisServer';
import { waitFor } from '../../../integration/harness';
import { teamSettings, useRedis } from './teamRedis';

function record(i: number, feature: string, costUsd: number, over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: `req_${i}`,
    startedAt: Date.now(),
    client: 'cli',
    feature,
    priority: 'interactive',
    provider: 'openai',
    model: 'gpt-x',
    tier: null,
    experimentArm: null,
    usage: { ...emptyUsage(), input_tokens: 10, output_tokens: 5 },
    costUsd,
    costSavedUsd: 0,
    costEstimated: false,
    latencyMs: 1,
    ttftMs: null,
    attempts: 1,
    errorCode: null,
    httpStatus: 200,
    fallbackPath: [],
    cache: 'none',
    coalesced: false,
    stream: false,
    profile: 'default',
    sample: { prompt: 'SECRET PROMPT TEXT', response: 'SECRET ANSWER TEXT' },
    ...over,
  };
}

describe.skipIf(!redisAvailable())('TeamUsage (a capped Redis stream)', () => {
  const env = useRedis();

  it('totals by person and feature; no prompt or answer text reaches Redis', async () => {
    const conn = await env.connect('totals');
    const alice = new TeamUsage(conn, () => teamSettings(), 'daemon-a');
    const bob = new TeamUsage(conn, () => teamSettings(), 'daemon-b');
    alice.append(teamRow(record(1, 'ask', 0.5), 'alice'));
    alice.append(teamRow(record(2, 'commit', 0.25), 'alice'));
    bob.append(teamRow(record(3, 'ask', 1, { errorCode: 'timeout' }), 'bob'));
    await waitFor(
      () => alice.pendingCount === 0 && bob.pendingCount === 0,
      10_000,
      'alice.pendingCount === 0 && bob.pendingCount === 0',
    );
    const t = await alice.totals({ since: Date.now() - 60_000, until: Date.now() + 1 }, 'totals');
    expect(t.total).toMatchObject({ requests: 3, costUsd: 1.75, errors: 1, inputTokens: 30, outputTokens: 15 });
    expect(t.byPerson.map((p) => [p.name, p.requests, p.costUsd])).toEqual([
      ['bob', 1, 1],
      ['alice', 2, 0.75],
    ]);
    expect(t.byFeature.map((f) => [f.name, f.requests])).toEqual([
      ['ask', 2],
      ['commit', 1],
    ]);
    const raw = JSON.stringify(await conn.client.xrange(alice.streamKey, '-', '+'));
    expect(raw).not.toMatch(/SECRET/);
  });

  it('rows written while Redis is down wait, in order, and all arrive after it returns', async () => {
    const conn = await env.connect('outage');
    const u = new TeamUsage(conn, () => teamSettings(), 'daemon-a');
    u.append(teamRow(record(1, 'ask', 0.1), 'alice'));
    await waitFor(() => u.pendingCount === 0, 10_000, 'u.pendingCount === 0');
    await env.redis.pause();
    await waitFor(() => !conn.up, 10_000, 'Redis to be gone');
    for (let i = 2; i <= 6; i++) u.append(teamRow(record(i, 'ask', 0.1), 'alice'));
    expect(u.pendingCount).toBe(5);
    await env.redis.resume();
    await waitFor(() => conn.up, 10_000, 'Redis to be back');
    await waitFor(() => u.pendingCount === 0, 10_000, 'u.pendingCount === 0');
    const t = await u.totals({ since: 0, until: Date.now() + 1 }, 'outage');
    expect(t.total.requests).toBe(6);
    const ids = (await conn.client.xrange(u.streamKey, '-', '+')).map(([, f]) => f[f.indexOf('requestId') + 1]);
    expect(ids).toEqual(['req_1', 'req_2', 'req_3', 'req_4', 'req_5', 'req_6']);
  });

  it('the stream is capped by length', async () => {
    const conn = await env.connect('capped');
    const u = new TeamUsage(conn, () => teamSettings({ usageMaxRows: 100 }), 'daemon-a');
    for (let i = 0; i < 1000; i++) u.append(teamRow(record(i, 'ask', 0), 'alice'));
    await waitFor(() => u.pendingCount === 0, 10_000, 'u.pendingCount === 0');
    // "~" trims whole macro nodes, so the length lands near the cap, far below what was written.
    expect(await conn.client.xlen(u.streamKey)).toBeLessThan(300);
  });
});
