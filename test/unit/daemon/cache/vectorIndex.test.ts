import { describe, expect, it } from 'vitest';
import { randomUnitVectors } from '../../../../daemon/cache/vectorBench';
import { BruteForceIndex } from '../../../../daemon/cache/vectorIndex';

/** Exact cosine top-k over unit vectors, the slow obvious way, to compare with. */
function expected(vectors: Map<string, Float32Array>, query: Float32Array, k: number, minScore: number): string[] {
  return [...vectors]
    .map(([key, v]) => ({ key, score: v.reduce((s, x, j) => s + x * query[j]!, 0) }))
    .filter((r) => r.score >= minScore)
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((r) => r.key);
}

describe('BruteForceIndex', () => {
  it('keeps each vector once: the row is the vector it was given, not a copy', () => {
    const [v] = randomUnitVectors(1, 8, 1);
    const index = new BruteForceIndex();
    index.add('s', 'a', v!);
    expect(index.scopeEntries('s').vectors[0]).toBe(v);
  });

  it('finds what exact search finds through adds, removals (the last row swapped in) and re-adds', () => {
    const data = randomUnitVectors(300, 32, 5);
    const index = new BruteForceIndex();
    const live = new Map<string, Float32Array>();
    data.forEach((v, i) => {
      index.add('s', `k${i}`, v);
      live.set(`k${i}`, v);
    });
    for (let i = 0; i < 300; i += 3) {
      index.remove(`k${i}`);
      live.delete(`k${i}`);
    }
    // A key added again to another scope leaves the first.
    index.add('t', 'k1', data[1]!);
    live.delete('k1');
    expect(index.size).toBe(200);
    expect(index.scopeSize('s')).toBe(199);
    for (const q of data.slice(0, 40)) {
      expect(index.search('s', q, 5, -1).map((r) => r.key)).toEqual(expected(live, q, 5, -1));
      expect(index.search('s', q, 5, 0.3).map((r) => r.key)).toEqual(expected(live, q, 5, 0.3));
    }
    expect(index.search('t', data[1]!, 5, 0.999).map((r) => r.key)).toEqual(['k1']);
    const taken = index.takeScope('s');
    expect(taken.keys).toHaveLength(199);
    taken.keys.forEach((k, i) => expect(taken.vectors[i]).toBe(live.get(k)));
    expect(index.size).toBe(1);
  });
});
