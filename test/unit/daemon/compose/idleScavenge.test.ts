import { describe, expect, it } from 'vitest';
import {
  IdleScavenge,
  SCAVENGE_AT,
  startIdleScavenge,
  youngUse,
  type YoungUse,
} from '../../../../daemon/compose/idleScavenge';
import { minorGc } from '../../../../daemon/platform/fullGc';

/** A scavenger whose deferred checks the test runs by hand, over a young generation it sets. */
function handScavenger(at = 0.5) {
  const deferred: Array<() => void> = [];
  const young: YoungUse = { used: 0, capacity: 4_000_000 };
  let scavenges = 0;
  const s = new IdleScavenge({
    at,
    youngUse: () => ({ ...young }),
    scavenge: () => {
      scavenges++;
      young.used = 0;
    },
    defer: (fn) => deferred.push(fn),
  });
  return {
    s,
    young,
    deferred,
    scavenges: () => scavenges,
    runDeferred: () => {
      for (const fn of deferred.splice(0)) fn();
    },
  };
}

describe('IdleScavenge', () => {
  it('scavenges a young generation at least half full once the last request has ended, after what that turn queued', () => {
    const h = handScavenger();
    h.young.used = 2_500_000;
    h.s.requestStarted();
    h.s.requestStarted();
    h.s.requestEnded();
    // Another request is still running: nothing is even queued.
    expect(h.deferred).toHaveLength(0);
    h.s.requestEnded();
    // Not in the turn that ends the request (its reply and log line come first).
    expect(h.scavenges()).toBe(0);
    expect(h.deferred).toHaveLength(1);
    h.runDeferred();
    expect(h.scavenges()).toBe(1);
  });

  it('leaves a young generation under the threshold to V8', () => {
    const h = handScavenger();
    h.young.used = 1_900_000;
    h.s.requestStarted();
    h.s.requestEnded();
    h.runDeferred();
    expect(h.scavenges()).toBe(0);
  });

  it('does not pause a request that arrived before the deferred check ran', () => {
    const h = handScavenger();
    h.young.used = 3_900_000;
    h.s.requestStarted();
    h.s.requestEnded();
    h.s.requestStarted();
    h.runDeferred();
    expect(h.scavenges()).toBe(0);
    h.s.requestEnded();
    h.runDeferred();
    expect(h.scavenges()).toBe(1);
  });

  it('queues one check per idle moment, and none when turned off or without a collector', () => {
    const h = handScavenger();
    h.young.used = 3_000_000;
    h.s.requestStarted();
    h.s.requestEnded();
    // An end without a start (a session closing twice) does not queue a second check.
    h.s.requestEnded();
    expect(h.deferred).toHaveLength(1);
    h.runDeferred();
    expect(h.scavenges()).toBe(1);

    const off = handScavenger(0);
    off.young.used = 4_000_000;
    off.s.requestStarted();
    off.s.requestEnded();
    expect(off.deferred).toHaveLength(0);

    const deferred: Array<() => void> = [];
    const none = new IdleScavenge({
      at: 0.5,
      youngUse: () => ({ used: 1, capacity: 1 }),
      scavenge: undefined,
      defer: (fn) => deferred.push(fn),
    });
    none.requestStarted();
    none.requestEnded();
    expect(deferred).toHaveLength(0);
  });

  it('takes its threshold from CONDUIT_IDLE_SCAVENGE (0 turns it off)', () => {
    expect(startIdleScavenge({}).threshold).toBe(SCAVENGE_AT);
    expect(startIdleScavenge({ CONDUIT_IDLE_SCAVENGE: '0' }).threshold).toBe(0);
    expect(startIdleScavenge({ CONDUIT_IDLE_SCAVENGE: '0.8' }).threshold).toBe(0.8);
    expect(startIdleScavenge({ CONDUIT_IDLE_SCAVENGE: 'soon' }).threshold).toBe(SCAVENGE_AT);
  });
});

describe('the young generation, in this process', () => {
  it('is measured as it fills, and emptied by a scavenge', () => {
    const scavenge = minorGc();
    // Every runtime the daemon runs on gives one (Node; Electron as Node).
    expect(scavenge).toBeDefined();
    scavenge!();
    const empty = youngUse();
    expect(empty.capacity).toBeGreaterThan(0);
    const keep: object[] = [];
    for (let i = 0; i < 20_000; i++) keep.push({ i });
    const full = youngUse();
    expect(full.used).toBeGreaterThan(empty.used + 200_000);
    keep.length = 0;
    scavenge!();
    expect(youngUse().used).toBeLessThan(full.used / 2);
  });
});
