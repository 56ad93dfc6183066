import { describe, expect, it } from 'vitest';
import { TeamBudget, type TeamReservation } from '../../../../daemon/team/teamBudget';
import { redisAvailable } from '../../../integration/redisServer';
import { waitFor } from '../../../integration/harness';
import { teamSettings, useRedis } from './teamRedis';

/** A clock that moves only when told; it starts at noon UTC today, far from a day's edge. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let at = new Date().setUTCHours(12, 0, 0, 0);
  return { now: () => at, advance: (ms) => (at += ms) };
}

describe.skipIf(!redisAvailable())('TeamBudget (Lua reservations in a real Redis)', () => {
  const env = useRedis();

  it('members racing for one budget together reserve at most what it holds, and settles make room again', async () => {
    const settings = () => teamSettings({ budgets: { dailyUsd: 1 } });
    const members = [
      new TeamBudget(await env.connect('race'), settings),
      new TeamBudget(await env.connect('race'), settings),
      new TeamBudget(await env.connect('race'), settings),
    ];
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
    // One injected clock for both members: the lapse is decided by the "now" each reserve sends
    // to Redis, so moving it past the lapse needs no sleep, and a slow machine cannot lapse it early.
    const clock = manualClock();
    const dead = new TeamBudget(await env.connect('lapse'), settings, clock.now, 300);
    const alive = new TeamBudget(await env.connect('lapse'), settings, clock.now, 60_000);
    const held = await dead.reserve(0.9);
    expect(held.ok).toBe(true);
    clock.advance(299);
    expect((await alive.reserve(0.5)).ok).toBe(false);
    clock.advance(2);
    const after = await alive.reserve(0.5);
    expect(after.ok).toBe(true);
    // The "dead" daemon settles after all: its spend counts, its lapsed hold is not given back again.
    dead.settle((held as { reservation: TeamReservation }).reservation, 0.2);
    await waitFor(() => dead.pendingCount === 0, 10_000, 'pending writes to reach Redis');
    const [day] = await alive.statuses();
    expect(day).toMatchObject({ spentUsd: 0.2, reservedUsd: 0.5 });
  });

  it('a month budget refuses even when the day has room', async () => {
    const b = new TeamBudget(await env.connect('month'), () =>
      teamSettings({ budgets: { dailyUsd: 10, monthlyUsd: 0.5 } }),
    );
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
  });
});

describe.skipIf(!redisAvailable())('TeamBudget while Redis is away, bounded by count', () => {
  const env = useRedis();

  it('keeps one pending write per period, not one per request served offline, and writes the sum when Redis is back', async () => {
    const conn = await env.connect('offline-many');
    const b = new TeamBudget(conn, () => teamSettings({ budgets: { dailyUsd: 100 }, offlineShare: 1 }));
    await b.statuses();
    await env.redis.pause();
    await waitFor(() => !conn.up, 10_000, 'Redis to be gone');
    const later: TeamReservation[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = await b.reserve(0.001);
      if (!r.ok) throw new Error('the offline share has room for every one');
      if (i % 2) later.push(r.reservation);
      else b.settle(r.reservation, 0.001);
    }
    expect(b.pendingCount).toBe(1);

    await env.redis.resume();
    await waitFor(() => conn.up, 10_000, 'Redis to be back');
    // Settled while the backlog is being written: added to the entry in flight, and not lost.
    for (const r of later) b.settle(r, 0.001);
    await waitFor(() => b.pendingCount === 0, 10_000, 'b.pendingCount === 0');
    const [day] = await b.statuses();
    expect(day!.spentUsd).toBeCloseTo(2, 9);
    expect(day!.reservedUsd).toBe(0);
  });
});

describe.skipIf(!redisAvailable())('TeamBudget.raise (a dearer fallback model, in a real Redis)', () => {
  const env = useRedis();

  it('raises by the difference only while the team has room, refuses without taking anything, and settles the raised hold', async () => {
    const settings = () => teamSettings({ budgets: { dailyUsd: 1 } });
    const a = new TeamBudget(await env.connect('raise'), settings);
    const b = new TeamBudget(await env.connect('raise'), settings);
    const held = await a.reserve(0.2);
    expect(held.ok).toBe(true);
    const r = (held as { reservation: TeamReservation }).reservation;
    expect(await b.reserve(0.3)).toMatchObject({ ok: true });

    // 0.5 is left: raising 0.2 to 0.6 takes 0.4 more; a second raise to 0.8 needs 0.2 more than is left.
    expect(await a.raise(r, 0.6)).toBe(true);
    expect(await b.statuses()).toMatchObject([{ reservedUsd: 0.9, spentUsd: 0 }]);
    expect(await a.raise(r, 0.8)).toBe(false);
    expect(await b.statuses()).toMatchObject([{ reservedUsd: 0.9 }]);
    expect((await b.reserve(0.11)).ok).toBe(false);
    // Raising to no more than is held takes nothing.
    expect(await a.raise(r, 0.5)).toBe(true);

    a.settle(r, 0.55);
    await waitFor(() => a.pendingCount === 0, 10_000, 'the settle to reach Redis');
    expect(await b.statuses()).toMatchObject([{ reservedUsd: 0.3, spentUsd: 0.55 }]);
  });

  it('a raised hold that lapses gives back the raised amount, not the first one', async () => {
    const settings = () => teamSettings({ budgets: { dailyUsd: 1 } });
    const clock = manualClock();
    const dead = new TeamBudget(await env.connect('raiselapse'), settings, clock.now, 300);
    const alive = new TeamBudget(await env.connect('raiselapse'), settings, clock.now);
    const held = await dead.reserve(0.1);
    expect(await dead.raise((held as { reservation: TeamReservation }).reservation, 0.7)).toBe(true);
    // Before the lapse the raised hold counts in full; after it, all of it is back.
    expect((await alive.reserve(0.31)).ok).toBe(false);
    clock.advance(301);
    expect((await alive.reserve(1)).ok).toBe(true);
  });

  it('while Redis is away a raise comes from the offline share, and is given back at settle', async () => {
    const conn = await env.connect('raiseoffline');
    const b = new TeamBudget(conn, () => teamSettings({ budgets: { dailyUsd: 1 }, offlineShare: 0.5 }));
    const held = await b.reserve(0.1);
    const r = (held as { reservation: TeamReservation }).reservation;
    await env.redis.pause();
    try {
      await waitFor(() => !conn.up, 10_000, 'Redis to be gone');
      // 0.9 was left; half of it is 0.45 for this daemon.
      expect(await b.raise(r, 0.6)).toBe(false);
      expect(await b.raise(r, 0.5)).toBe(true);
      expect((await b.reserve(0.1)).ok).toBe(false);
      b.settle(r, 0.3);
      expect((await b.reserve(0.1)).ok).toBe(true);
    } finally {
      await env.redis.resume();
    }
    await waitFor(() => conn.up, 10_000, 'Redis to be back');
    await waitFor(() => b.pendingCount === 0, 10_000, 'pending writes to reach Redis');
    const [day] = await b.statuses();
    expect(day!.spentUsd).toBeCloseTo(0.3, 9);
  });
});
