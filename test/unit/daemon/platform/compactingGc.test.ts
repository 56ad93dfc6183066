import * as v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compactingGc } from '../../../../daemon/platform/compactingGc';
import { fullGc } from '../../../../daemon/platform/fullGc';

const MB = 2 ** 20;

/**
 * Old-space pages that are nearly empty: many small objects promoted by two GCs, then 19 of every
 * 20 dropped, so each page keeps a few live objects scattered over it.
 */
function fragmentOldSpace(gc: () => void): unknown[][] {
  const rounds: unknown[][] = [];
  for (let r = 0; r < 24; r++) {
    const round: unknown[] = [];
    for (let i = 0; i < 50_000; i++) round.push({ i, s: `x${i}` });
    rounds.push(round);
  }
  gc();
  gc();
  return rounds.map((round) => round.filter((_, i) => i % 20 === 0));
}

describe('compactingGc', () => {
  it('gives back nearly empty old-space pages that a plain full GC keeps', () => {
    const gc = fullGc();
    expect(gc, 'the runtime gave no full GC').toBeDefined();
    const kept = fragmentOldSpace(gc!);
    expect(compactingGc(gc!)).toBe(true);
    const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!;
    expect(kept).toHaveLength(24);
    // Compacted, the old space is about its live size (13.0 MB resident for 12.4 MB live when measured);
    // a plain full GC keeps the nearly empty pages (47 MB resident for the same 12.4 MB).
    expect((old.physical_space_size - old.space_used_size) / MB).toBeLessThan(8);
  });

  it('turns the flag on for its one collection only', () => {
    const calls: string[] = [];
    expect(
      compactingGc(
        () => calls.push('gc'),
        (f) => calls.push(f),
      ),
    ).toBe(true);
    expect(calls).toEqual(['--compact-on-every-full-gc', 'gc', '--no-compact-on-every-full-gc']);
  });

  it('still collects, uncompacted, where the runtime refuses to change a V8 flag', () => {
    const calls: string[] = [];
    const frozen = (): void => {
      throw new Error('flags are frozen');
    };
    expect(compactingGc(() => calls.push('gc'), frozen)).toBe(false);
    expect(calls).toEqual(['gc']);
  });
});
