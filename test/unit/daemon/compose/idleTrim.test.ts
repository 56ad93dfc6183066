import { describe, expect, it } from 'vitest';
import { IdleTrim } from '../../../../daemon/compose/idleTrim';

/** Timers the test fires by hand. */
function handTimers() {
  const armed = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    armed,
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      armed.set(id, { fn, ms });
      return { id, unref: () => undefined };
    },
    clearTimer: (t: unknown) => armed.delete((t as { id: number }).id),
    fireAll: () => {
      const due = [...armed.values()];
      armed.clear();
      for (const t of due) t.fn();
    },
  };
}

describe('IdleTrim', () => {
  it('trims once a quiet spell follows the last request, and not again until another request', () => {
    const timers = handTimers();
    let trims = 0;
    const trim = new IdleTrim({ quietMs: 30_000, trim: () => trims++, ...timers });
    trim.requestStarted();
    trim.requestStarted();
    trim.requestEnded();
    expect(timers.armed.size).toBe(0);
    trim.requestEnded();
    expect([...timers.armed.values()].map((t) => t.ms)).toEqual([30_000]);
    timers.fireAll();
    expect(trims).toBe(1);
    expect(timers.armed.size).toBe(0);
    trim.requestStarted();
    trim.requestEnded();
    timers.fireAll();
    expect(trims).toBe(2);
  });

  it('a request that starts during the quiet spell puts the trim off', () => {
    const timers = handTimers();
    let trims = 0;
    const trim = new IdleTrim({ quietMs: 1000, trim: () => trims++, ...timers });
    trim.requestStarted();
    trim.requestEnded();
    trim.requestStarted();
    expect(timers.armed.size).toBe(0);
    trim.requestEnded();
    expect(timers.armed.size).toBe(1);
    trim.stop();
    expect(timers.armed.size).toBe(0);
    expect(trims).toBe(0);
  });

  it('does nothing when turned off', () => {
    const timers = handTimers();
    const trim = new IdleTrim({ quietMs: 0, trim: () => undefined, ...timers });
    trim.requestStarted();
    trim.requestEnded();
    expect(timers.armed.size).toBe(0);
  });

  it('says once when the first request after a trim starts, and not before the trim', () => {
    const timers = handTimers();
    let resumed = 0;
    const trim = new IdleTrim({ quietMs: 1000, trim: () => undefined, resumed: () => resumed++, ...timers });
    trim.requestStarted();
    trim.requestEnded();
    trim.requestStarted();
    trim.requestEnded();
    expect(resumed).toBe(0);
    timers.fireAll();
    trim.requestStarted();
    trim.requestStarted();
    expect(resumed).toBe(1);
    trim.requestEnded();
    trim.requestEnded();
    timers.fireAll();
    trim.requestStarted();
    expect(resumed).toBe(2);
  });
});
