import { describe, expect, it } from 'vitest';
import { RestartAction, RestartPolicy } from '../../../extension/restartPolicy';

function fakeClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('RestartPolicy (5 restarts in 3 minutes, like vscode-languageserver-node)', () => {
  it('restarts after each of the first five crashes, then gives up on the sixth within 3 minutes', () => {
    const clock = fakeClock();
    const policy = new RestartPolicy({ clock });
    const actions = Array.from({ length: 6 }, () => {
      clock.advance(10_000);
      return policy.closed();
    });
    expect(actions.slice(0, 5)).toEqual(Array(5).fill(RestartAction.Restart));
    expect(actions[5]).toBe(RestartAction.DoNotRestart);
  });

  it('forgets crashes older than the window, so occasional crashes never exhaust it', () => {
    const clock = fakeClock();
    const policy = new RestartPolicy({ clock });
    for (let i = 0; i < 20; i++) {
      expect(policy.closed()).toBe(RestartAction.Restart);
      clock.advance(40_000); // 5 crashes span 160 s < 180 s, but the oldest has always aged out
    }
  });

  it('allows a restart again once the oldest crash leaves the window', () => {
    const clock = fakeClock();
    const policy = new RestartPolicy({ clock });
    for (let i = 0; i < 5; i++) policy.closed();
    expect(policy.closed()).toBe(RestartAction.DoNotRestart);
    clock.advance(3 * 60_000);
    expect(policy.closed()).toBe(RestartAction.Restart);
  });

  it('starts afresh after reset (the user chose Restart)', () => {
    const policy = new RestartPolicy({ clock: fakeClock() });
    for (let i = 0; i < 5; i++) policy.closed();
    expect(policy.recentRestarts()).toBe(5);
    policy.reset();
    expect(policy.recentRestarts()).toBe(0);
    expect(policy.closed()).toBe(RestartAction.Restart);
  });

  it('takes its budget from options', () => {
    const policy = new RestartPolicy({ maxRestarts: 1, windowMs: 1000, clock: fakeClock() });
    expect(policy.closed()).toBe(RestartAction.Restart);
    expect(policy.closed()).toBe(RestartAction.DoNotRestart);
  });
});
