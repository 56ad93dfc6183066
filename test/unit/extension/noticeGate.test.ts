import { describe, expect, it } from 'vitest';
import { NoticeGate } from '../../../extension/noticeGate';

describe('NoticeGate: one notification per failure', () => {
  it('lets the first of a kind through and holds the rest within the window', () => {
    let now = 1000;
    const gate = new NoticeGate(60_000, () => now);
    expect(gate.claim('auth')).toBe(true);
    now += 100;
    expect(gate.claim('auth')).toBe(false);
    expect(gate.claim('budget')).toBe(true);
    now += 60_000;
    expect(gate.claim('auth')).toBe(true);
  });

  it('after a success the next failure is news again', () => {
    const gate = new NoticeGate(60_000, () => 5);
    expect(gate.claim('outage')).toBe(true);
    gate.reset();
    expect(gate.claim('outage')).toBe(true);
  });
});
