/**
 * usearch's native code is mapped only when a scope first needs it: not at start, not for
 * `conduit status` (which the status bar asks often), not while every scope stays small.
 * Its own file, so that no other test has loaded usearch into this module registry first.
 */
import { describe, expect, it } from 'vitest';
import { semanticCacheStatus } from '../../../../daemon/cache/semanticStatus';
import { AdaptiveIndex } from '../../../../daemon/cache/adaptiveIndex';
import { usearchTried } from '../../../../daemon/cache/usearchIndex';
import { randomUnitVectors } from '../../../../daemon/cache/vectorBench';

describe('usearch loads on first need', () => {
  it('status reports it installed without loading it; a scope past the threshold loads it', async () => {
    const status = semanticCacheStatus();
    expect(status.index).toBe('usearch HNSW + brute force');
    expect(status.indexReason).toContain('usearch installed (loaded when first needed)');
    expect(usearchTried()).toBe(false);

    const data = randomUnitVectors(30, 16, 7);
    const events: string[] = [];
    const index = new AdaptiveIndex({
      annThreshold: 20,
      onChange: (kind, scope, n) => events.push(`${kind}:${scope}:${n}`),
    });
    data.slice(0, 20).forEach((v, i) => index.add('a', `k${i}`, v));
    expect(index.usearchTried).toBe(false);
    expect(usearchTried()).toBe(false);
    expect(index.search('a', data[4]!, 1, 0.999)[0]?.key).toBe('k4');

    index.add('a', 'k20', data[20]!);
    expect(usearchTried()).toBe(true);
    await index.idle();
    expect(events).toEqual(['ann:a:21']);
    expect(index.search('a', data[20]!, 1, 0.999)[0]?.key).toBe('k20');
    // Once loaded, status says so.
    expect(semanticCacheStatus().indexReason).toContain('usearch loaded:');
  });
});
