import { describe, expect, it } from 'vitest';
import { rowsWithin } from '../../../../daemon/usage/sampleBytes';

describe('rowsWithin', () => {
  it('counts the rows, in order, whose bytes fit in the budget', () => {
    const sizes = [40, 30, 30, 5].map((bytes) => ({ bytes }));
    expect(rowsWithin(sizes, 100)).toBe(3);
    expect(rowsWithin(sizes, 69)).toBe(1);
    expect(rowsWithin(sizes, 1000)).toBe(4);
  });

  it('gives one row at the least, however large, so a page always moves on', () => {
    expect(rowsWithin([{ bytes: 5000 }, { bytes: 1 }], 100)).toBe(1);
    expect(rowsWithin([], 100)).toBe(1);
  });
});
