import { describe, expect, it } from 'vitest';
import { TeamBudget, type TeamReservation } from '../../../../daemon/team/teamBudget';
import { redisAvailable } from '../../../integration/redisServer';
import { waitFor } from '../../../integration/harness';
import { teamSettings, useRedis } from './teamRedis';

describe.skipIf(!redisAvailable())('TeamBudget (Lua reservations in a real Redis)', () => {
  const env = useRedis();

  it('members racing for one budget together reserve at most what it holds, and settles make room again', async () => {
    const settings = () => teamSettings({ budgets: { dailyUsd: 1 } });
    const members = [new TeamBudget(await env.connect('race'), settings), new TeamBudget(await env.connect('race'), settings), new TeamBudget(await env.connect('race'), settings)];
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => members[i % 3]!.reserve(0.3)));
    const granted = outcomes.filter((o) => o.ok);
    expect(granted).toHaveLength(3);
    const refused = outcomes.find((o) => !o.ok);
    expect(refused).toMatchObject({ ok: false, neededUsd: 0.3, status: { scope: 'team', period: 'day', limitUsd: 1 } });
    // Settled for less than reserved: the difference comes back to the team.
    for (const o of granted) if (o.ok) members[0]!.settle(o.reservation, 0.1);
    await waitFor(() => members[0]!.pendingCount === 0, 10_000, 'members[0]!.pendingCount === 0');
    const [day] = await members[1]!.statuses();
    expect(day).toMatchObject({ spentUsd: 0.3, reservedUsd: 0 });
    expect((await members[2]!.reserve(0.7)).ok).toBe(true);
    expect((await members[2]!.reserve(0.01)).ok).toBe(false);
  });

  it('a reservation that is never settled (its daemon died) lapses and gives its hold back; a late settle takes nothing twice', async () => {
    const settings = () => teamSettings({ budgets: { dailyUsd: 1 } });
    const dead = new TeamBudget(await env.connect('lapse'), settings, Date.now, 300);
    const alive = new TeamBudget(await env.connect('lapse'), settings, Date.now, 60_000);
    const held = await dead.reserve(0.9);
    expect(held.ok).toBe(true);
    expect((await alive.reserve(0.5)).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    const after = await alive.reserve(0.5);
    expect(after.ok).toBe(true);
    // The "dead" daemon settles after all: its spend counts, its lapsed hold is not given back again.
    dead.settle((held as { reservation: TeamReservation }).reservation, 0.2);
    await waitFor(() => dead.pendingCount === 0, 10_000, 'pending writes to reach Redis');
    const [day] = await alive.statuses();
    expect(day).toMatchObject({ spentUsd: 0.2, reservedUsd: 0.5 });
  });

  it('a month budget refuses even when the day has room', async () => {
    const b = new TeamBudget(await env.connect('month'), () => teamSettings({ budgets: { dailyUsd: 10, monthlyUsd: 0.5 } }));
    expect((await b.reserve(0.4)).ok).toBe(true);
    const second = await b.reserve(0.2);
    expect(second).toMatchObject({ ok: false, status: { period: 'month' } });
  });

  it('while Redis is away it spends only its share of what was left, and writes that spend when Redis is back', async () => {
    const conn = await env.connect('offline');
    const b = new TeamBudget(conn, () => teamSettings({ budgets: { dailyUsd: 1 }, offlineShare: 0.25 }));
    const first = await b.reserve(0.2);
    expect(first.ok).toBe(true);
    b.settle((first as { reservation: TeamReservation }).reservation, 0.2);
    await waitFor(() => b.pendingCount === 0, 10_000, 'b.pendingCount === 0');
    await b.statuses();

    await env.redis.pause();
    await waitFor(() => !conn.up, 10_000, 'Redis to be gone');
    // 0.8 was left; a quarter of it is 0.2.
    const offline = await b.reserve(0.15);
    expect(offline).toMatchObject({ ok: true, reservation: { where: 'local' } });
    expect((await b.reserve(0.1)).ok).toBe(false);
    b.settle((offline as { reservation: TeamReservation }).reservation, 0.15);
    expect(b.pendingCount).toBe(1);

    await env.redis.resume();
    await waitFor(() => conn.up, 10_000, 'Redis to be back');
    await waitFor(() => b.pendingCount === 0, 10_000, 'b.pendingCount === 0');
    const [day] = await b.statuses();
    expect(day!.spentUsd).toBeCloseTo(0.35, 9);
    expect(day!.reservedUsd).toBe(0);
  }, 30_000);
});
