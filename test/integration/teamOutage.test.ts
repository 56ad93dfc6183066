import { describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import type { TeamUsageResult } from '../../protocol';
import { ask } from './rateLimitHelpers';
import { waitFor } from './harness';
import { redisAvailable } from './redisServer';
import { ledgerTotals, teamStatus, useTeam, waitForMode } from './teamHelpers';

const TOTAL = 120;

describe.skipIf(!redisAvailable())('team mode: Redis stops in the middle of a run', () => {
  const team = useTeam({
    // 600 RPM for the team: 10 requests a second, so the run spans the outage.
    config: {
      rateLimit: { tier: 'custom', overrides: { openai: { rpm: 600, tpm: 10_000_000, burst: 1 } } },
      cache: { enabled: false },
    },
    // A team budget far above the run's cost: reservations go to Redis, then to the offline
    // share, and what was spent offline must reach Redis after the rejoin.
    team: { offlineShare: 0.5, budgets: { dailyUsd: 100 } },
  });

  it('requests keep succeeding on local limits, the daemons warn and rejoin, and no ledger row is lost', async () => {
    // The run goes in three stages, each released by the test once the one before it is over, so
    // each holds its requests whatever the machine's speed: before the outage, during it, after it.
    const BEFORE = 20;
    const DURING = 60;
    let next = 0;
    let finished = 0;
    let allowed = BEFORE;
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const allow = (n: number) => {
      allowed = n;
      const open = release;
      gate = new Promise<void>((r) => (release = r));
      open();
    };
    const failures: string[] = [];
    const take = async () => {
      while (next < TOTAL && next >= allowed) await gate;
      return next < TOTAL ? next++ : undefined;
    };
    const loop = async (client: DaemonClient, name: string) => {
      for (let i = await take(); i !== undefined; i = await take()) {
        try {
          await client.chat(ask('openai', `${name} outage ${i}`, { model: 'gpt-5.4-mini' }));
        } catch (err) {
          failures.push(`${name} #${i}: ${String(err)}`);
        } finally {
          finished++;
        }
      }
    };
    const run = Promise.all([
      ...Array.from({ length: 4 }, () => loop(team.a.client, 'a')),
      ...Array.from({ length: 4 }, () => loop(team.b.client, 'b')),
    ]);

    await waitFor(() => finished === BEFORE, 60_000, 'the requests before the outage');
    await team.redis.pause();
    await waitForMode(team.a.h, 'degraded');
    await waitForMode(team.b.h, 'degraded');
    const down = await team.a.h.status();
    expect(down.team).toMatchObject({ mode: 'degraded', offlineShare: 0.5 });
    // A clear warning.
    expect(down.alerts.find((a) => a.kind === 'team_redis')?.message).toMatch(
      /Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable .* local rate limits, its local cache and 50% of the team budget/,
    );
    // Requests go on while Redis is away: all of this stage's are answered before it comes back.
    allow(BEFORE + DURING);
    await waitFor(() => finished === BEFORE + DURING, 60_000, 'the requests during the outage');
    expect(team.fake.requestsFor('openai')).toHaveLength(BEFORE + DURING);
    const during = await team.a.h.status();
    expect(during.team?.mode).toBe('degraded');
    // The requests of this stage went through the local limits at this daemon's share (300 of 600 RPM).
    expect(
      during.rateLimits.find((r) => r.provider === 'openai')?.buckets.find((b) => b.kind === 'requests')?.limit,
    ).toBeLessThanOrEqual(300);
    await team.redis.resume();
    await waitForMode(team.a.h, 'connected');
    await waitForMode(team.b.h, 'connected');
    allow(TOTAL);
    await run;

    expect(failures).toEqual([]);
    expect(team.fake.requestsFor('openai')).toHaveLength(TOTAL);
    const up = await team.a.h.status();
    expect(up.alerts.some((a) => a.kind === 'team_redis')).toBe(false);

    // Every ledger row, in each daemon's own ledger…
    const { rows, spent } = await ledgerTotals([team.a, team.b]);
    expect(rows).toBe(TOTAL);
    expect(spent).toBeGreaterThan(0);
    // …and in the team's stream once the rows held back during the outage went out.
    await waitForMode(team.a.h, 'connected');
    for (const m of [team.a, team.b])
      await waitFor(async () => (await teamStatus(m.h)).pendingUsage === 0, 20_000, 'the held-back rows to go out');
    // The team budget counts every request, those made offline included, and holds nothing.
    await teamStatus(team.b.h);
    const day = (await teamStatus(team.b.h)).budgets.find((b) => b.period === 'day')!;
    // Redis counts whole micro-dollars, rounded up per request: never less than the ledgers.
    expect(day.spentUsd).toBeGreaterThanOrEqual(spent - 1e-12);
    expect(day.spentUsd - spent).toBeLessThanOrEqual(TOTAL * 1e-6);
    expect(day.reservedUsd).toBe(0);

    const out = await team.a.h.cli(['usage', '--team', '--since', '1h', '--json']);
    expect(out.stderr).toBe('');
    const totals = JSON.parse(out.stdout) as TeamUsageResult;
    expect(totals.total.requests).toBe(TOTAL);
    expect(totals.byPerson.map((p) => p.name).sort()).toEqual(['alice', 'bob']);
    expect(totals.byPerson.reduce((n, p) => n + p.requests, 0)).toBe(TOTAL);
    expect(totals.byFeature).toEqual([expect.objectContaining({ name: 'ask', requests: TOTAL })]);
    // The outage was logged and handled, not thrown about: read once each daemon has stopped, so
    // every line is on disk (the logger writes in the background).
    await team.a.h.waitForLog(/team: Redis unreachable; local limits/);
    await team.a.h.waitForLog(/team: Redis is back/);
    for (const m of [team.a, team.b]) {
      await m.h.stopDaemons();
      expect(m.h.logText()).not.toMatch(/unhandled rejection|uncaught exception/);
    }
  });
});
