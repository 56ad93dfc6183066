import { describe, expect, it } from 'vitest';
import { isoUtc } from '../../../../daemon/platform/isoUtc';

describe('isoUtc', () => {
  it('gives what toISOString gives', () => {
    const edges = [
      0,
      1,
      -1,
      999,
      Date.UTC(2026, 11, 7, 13, 5, 9, 7),
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      Date.parse('0000-01-01T00:00:00.000Z'),
      Date.parse('0000-01-01T00:00:00.000Z') - 1, // year -1: toISOString's six digits
    ];
    // A fixed-seed walk over ±300 years, every field's width reached.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const walk = Array.from({ length: 5_000 }, () => Math.floor((random() - 0.5) * 2 * 300 * 365.25 * 86_400_000));
    for (const ms of [...edges, ...walk]) expect(isoUtc(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws for an invalid date, as toISOString does', () => {
    expect(() => isoUtc(NaN)).toThrow(RangeError);
  });
});
