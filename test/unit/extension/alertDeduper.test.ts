import { describe, expect, it } from 'vitest';
import { AlertDeduper } from '../../../extension/alertDeduper';
import type { AlertEvent } from '../../../protocol';

function event(type: AlertEvent['type'], id = 'error_rate'): AlertEvent {
  return {
    type,
    alert: {
      id,
      kind: 'error_rate',
      severity: 'warning',
      message: 'errors',
      value: 0.1,
      threshold: 0.05,
      firedAt: 0,
      lastSentAt: 0,
      clearedAt: null,
    },
  };
}

describe('AlertDeduper', () => {
  it('shows an alert once per episode and again after the repeat interval', () => {
    let t = 0;
    const d = new AlertDeduper(1000, () => t);
    expect(d.shouldShow(event('fired'))).toBe(true);
    expect(d.shouldShow(event('fired'))).toBe(false); // e.g. the same event after a reconnect
    t = 500;
    expect(d.shouldShow(event('repeated'))).toBe(false);
    t = 1500;
    expect(d.shouldShow(event('repeated'))).toBe(true);
  });

  it('never shows a clear, and a new episode after it shows again', () => {
    const d = new AlertDeduper(60_000, () => 0);
    expect(d.shouldShow(event('fired'))).toBe(true);
    expect(d.shouldShow(event('cleared'))).toBe(false);
    expect(d.shouldShow(event('fired'))).toBe(true);
  });

  it('keeps alerts apart by id', () => {
    const d = new AlertDeduper(60_000, () => 0);
    expect(d.shouldShow(event('fired', 'a'))).toBe(true);
    expect(d.shouldShow(event('fired', 'b'))).toBe(true);
  });
});
