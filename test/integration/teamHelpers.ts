import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import type { StatusResult, TeamMode, UsageRow } from '../../protocol';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, waitFor } from './harness';
import { RedisServer } from './redisServer';

export interface TeamMember {
  h: DaemonHarness;
  client: DaemonClient;
}

export interface TeamFrame {
  readonly redis: RedisServer;
  readonly fake: FakeProviderServer;
  /** Two daemons, each with its own CONDUIT_HOME, one Redis, one team. */
  readonly a: TeamMember;
  readonly b: TeamMember;
}

/**
 * The frame of a team-mode test: a real redis-server, the fake provider, and two real daemons
 * (separate homes, so separate ledgers, caches and locks) configured as one team. `config` is
 * each daemon's config.json apart from `team`, which the frame fills in.
 */
export function useTeam(opts: {
  config?: Record<string, unknown>;
  team?: Record<string, unknown>;
  before?: (fake: FakeProviderServer) => void;
  env?: NodeJS.ProcessEnv;
}): TeamFrame {
  const frame = {} as { redis: RedisServer; fake: FakeProviderServer; a: TeamMember; b: TeamMember };
  beforeAll(async () => {
    frame.redis = await RedisServer.start();
    frame.fake = await FakeProviderServer.start();
    opts.before?.(frame.fake);
    const member = async (name: string): Promise<TeamMember> => {
      const h = new DaemonHarness(frame.fake.url, { CONDUIT_REDIS_URL: frame.redis.url, ...opts.env });
      const config = { ...opts.config, team: { id: 'testteam', displayName: name, ...opts.team } };
      fs.writeFileSync(path.join(h.home, 'config.json'), JSON.stringify(config, null, 2));
      const client = await h.connect();
      if (/config invalid/.test(h.logText())) throw new Error(`the daemon refused config.json:\n${h.logText()}`);
      await waitForMode(h, 'connected');
      return { h, client };
    };
    frame.a = await member('alice');
    frame.b = await member('bob');
  });
  afterAll(async () => {
    for (const m of [frame.a, frame.b]) {
      m?.client.close();
      await m?.h.dispose();
    }
    await frame.fake?.stop();
    await frame.redis?.stop();
  });
  return frame;
}

export async function teamStatus(h: DaemonHarness): Promise<NonNullable<StatusResult['team']>> {
  const s = await h.status();
  if (!s.team) throw new Error('the daemon reports no team status: team mode is off');
  return s.team;
}

export async function waitForMode(h: DaemonHarness, mode: TeamMode, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => (await teamStatus(h)).mode === mode, timeoutMs, `team mode "${mode}"`);
}

/** Everything the team's Redis holds (strings, hashes, streams), as one text to search. */
export async function redisDump(port: number): Promise<{ keys: string[]; text: string }> {
  const redis = new Redis(port, '127.0.0.1');
  try {
    const keys = await redis.keys('*');
    let text = '';
    for (const k of keys) {
      const type = await redis.type(k);
      if (type === 'string') text += await redis.get(k);
      else if (type === 'hash') text += JSON.stringify(await redis.hgetall(k));
      else if (type === 'stream') text += JSON.stringify(await redis.xrange(k, '-', '+'));
      else if (type === 'zset') text += JSON.stringify(await redis.zrange(k, 0, -1, 'WITHSCORES'));
      else if (type === 'list') text += JSON.stringify(await redis.lrange(k, 0, -1));
      else if (type === 'set') text += JSON.stringify(await redis.smembers(k));
      text += `\n${k}\n`;
    }
    return { keys, text };
  } finally {
    redis.disconnect();
  }
}

/** How many entries the team's cache stream holds: each shared answer appends one. */
export async function cacheStreamLength(port: number): Promise<number> {
  const redis = new Redis(port, '127.0.0.1');
  try {
    const [key] = await redis.keys('conduit:*:cache-stream');
    return key ? await redis.xlen(key) : 0;
  } finally {
    redis.disconnect();
  }
}

/**
 * Waits until a daemon has taken `count` entries of other daemons from the team's cache stream
 * into its local cache and index: from then on a miss there is a miss, not an entry still on its way.
 */
export async function waitForAdopted(h: DaemonHarness, count: number): Promise<void> {
  await waitFor(
    async () => ((await teamStatus(h)).cacheAdopted ?? 0) >= count,
    20_000,
    `${count} team cache entries adopted`,
  );
}

/** What the members' own ledgers recorded, together: their rows and their spend. */
export async function ledgerTotals(members: readonly TeamMember[]): Promise<{ rows: number; spent: number }> {
  let rows = 0;
  let spent = 0;
  for (const m of members) {
    const out = await m.h.cli(['usage', 'export', '--json', '-']);
    const own = JSON.parse(out.stdout) as UsageRow[];
    rows += own.length;
    spent += own.reduce((s, r) => s + (r.costUsd ?? 0), 0);
  }
  return { rows, spent };
}
