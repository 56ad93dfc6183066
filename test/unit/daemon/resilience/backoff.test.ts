import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitterDelay } from '../../../../daemon/resilience/backoff';
import { seededRandom } from '../../../fixtures/seededRandom';

const settings = { baseDelayMs: 1000, maxDelayMs: 30_000 };

describe('exponential backoff with full jitter', () => {
  it('starts at 1 s and doubles, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(n, settings))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffCeiling(2000, settings)).toBe(30_000);
  });

  it('draws each wait uniformly between 0 and the ceiling', () => {
    expect(fullJitterDelay(3, settings, () => 0)).toBe(0);
    expect(fullJitterDelay(3, settings, () => 0.5)).toBe(4000);
    expect(fullJitterDelay(3, settings, () => 0.999_999)).toBe(8000);
  });

  it('stays inside the bounds and really spreads the waits', () => {
    const random = seededRandom(42);
    for (let n = 0; n < 8; n++) {
      const waits = Array.from({ length: 500 }, () => fullJitterDelay(n, settings, random));
      const ceiling = backoffCeiling(n, settings);
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...waits)).toBeLessThanOrEqual(ceiling);
      // Full jitter, not "ceiling minus a little": both halves of the range are used.
      expect(waits.filter((w) => w < ceiling / 2).length).toBeGreaterThan(150);
      expect(waits.filter((w) => w > ceiling / 2).length).toBeGreaterThan(150);
    }
  });
});
