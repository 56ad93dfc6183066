/**
 * What team mode adds to a request, against a real redis-server on this machine (loopback), side
 * by side with the local fast path it sits behind:
 * - local fast path: the daemon's synchronous token buckets (tryAcquire + settle);
 * - shared limiter: one Bottleneck cluster job (register + free scripts) at a rate that never waits;
 * - shared cache miss: the GET behind a local LRU miss;
 * - team budget: reserve (Lua) + settle (Lua) of one request;
 * - usage row: one XADD (the daemon batches them off the reply path; shown for the Redis cost).
 * Each is timed sequentially (one request at a time: the latency a request sees). Prints a table
 * and writes JSON to bench/results/. Needs redis-server (apt-get install redis-server).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyUsage } from '../protocol';
import { ProviderLimiter } from '../daemon/ratelimit/providerLimiter';
import { SharedLimiter } from '../daemon/team/sharedLimiter';
import { TeamBudget } from '../daemon/team/teamBudget';
import { TeamCache } from '../daemon/team/teamCache';
import { TeamConnection } from '../daemon/team/teamConnection';
import { teamSchema } from '../daemon/team/teamSettings';
import { teamRow, TeamUsage } from '../daemon/team/teamUsage';
import { RedisServer } from '../test/integration/redisServer';

const quick = process.argv.includes('--quick');
const repo = path.resolve(__dirname, '..', '..');

async function time(n: number, op: () => Promise<unknown> | unknown): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op();
  return Number(process.hrtime.bigint() - t) / n / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const conn = new TeamConnection({ url: redis.url, teamId: 'bench', commandTimeoutMs: 2000 });
  conn.setMaxListeners(0);
  await conn.start();
  const settings = () => teamSchema.parse({ budgets: { dailyUsd: 1e9 } });
  const local = new ProviderLimiter({
    provider: 'openai',
    keyId: 'bench',
    tier: 'custom',
    limits: { rpm: 1e12, tpm: 1e15 },
    margin: 0.02,
    maxQueue: 100,
  });
  const shared = new SharedLimiter(conn);
  const cache = new TeamCache(conn, {
    origin: 'bench',
    sharePrompts: () => false,
    maxStreamEntries: () => 1000,
    adopt: async () => undefined,
  });
  const budget = new TeamBudget(conn, settings);
  const usage = new TeamUsage(conn, settings, 'bench');
  const record = {
    requestId: 'r',
    startedAt: Date.now(),
    client: 'cli' as const,
    feature: 'ask',
    priority: 'interactive' as const,
    provider: 'openai' as const,
    model: 'm',
    tier: null,
    experimentArm: null,
    usage: emptyUsage(),
    costUsd: 0.001,
    costSavedUsd: 0,
    costEstimated: false,
    latencyMs: 1,
    ttftMs: null,
    attempts: 1,
    errorCode: null,
    httpStatus: 200,
    fallbackPath: [],
    cache: 'none' as const,
    coalesced: false,
    stream: false,
    profile: 'default',
    sample: null,
  };
  const signal = new AbortController().signal;
  const limit = { provider: 'openai', keyId: 'bench', rpm: 1e9, margin: 0 };
  const n = quick ? 200 : 2000;
  const rounds = quick ? 3 : 5;
  const sides: Record<string, () => Promise<unknown> | unknown> = {
    'local fast path (sync token buckets)': () =>
      local.tryAcquire({ input: 50, output: 100 }, 'interactive')!.settle({ input: 40, output: 20 }, {}),
    'shared limiter (Bottleneck on Redis)': () => shared.run(limit, signal, async () => undefined),
    'shared cache miss (GET)': () => cache.get('missing-key'),
    'team budget (reserve + settle, Lua)': async () => {
      const r = await budget.reserve(0.001);
      if (r.ok) {
        budget.settle(r.reservation, 0.0005);
        await budget.flush();
      }
    },
    'usage row (XADD)': async () => {
      usage.append(teamRow(record, 'bench'));
      await usage.flush();
    },
  };
  const results: Record<string, number[]> = {};
  for (const op of Object.values(sides)) await time(Math.ceil(n / 10), op);
  for (let r = 0; r < rounds; r++) {
    for (const [name, op] of Object.entries(sides)) (results[name] ??= []).push(await time(n, op));
  }
  const rows = Object.entries(results).map(([side, xs]) => ({
    side,
    usPerOp: Math.round(median(xs) * 100) / 100,
    min: Math.round(Math.min(...xs) * 100) / 100,
    max: Math.round(Math.max(...xs) * 100) / 100,
  }));
  console.log(
    `\nTeam mode: what the Redis path adds per request (${quick ? 'quick' : 'full'} run, loopback redis-server, median of ${rounds} rounds of ${n})\n`,
  );
  console.log('| side | µs/op (median) | min | max |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.side} | ${r.usPerOp} | ${r.min} | ${r.max} |`);
  const dir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `team-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ when: new Date().toISOString(), node: process.version, quick, rounds, n, rows }, null, 2),
  );
  console.log(`\nwrote ${path.relative(repo, file)}`);
  await shared.close();
  await conn.close();
  await redis.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
