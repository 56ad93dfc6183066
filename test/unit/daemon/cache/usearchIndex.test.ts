import { describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../../../../daemon/cache/lexicalEmbedder';
import { ResponseCache } from '../../../../daemon/cache/responseCache';
import { AdaptiveIndex } from '../../../../daemon/cache/adaptiveIndex';
import { AnnPartition, HNSW, loadUsearch } from '../../../../daemon/cache/usearchIndex';
import { benchVectorSearch, randomUnitVectors } from '../../../../daemon/cache/vectorBench';
import { BruteForceIndex } from '../../../../daemon/cache/vectorIndex';
import { normalize } from '../../../../daemon/cache/embedder';
import { answer, req, settings } from './helpers';

const usearch = loadUsearch();

/** A stored vector plus noise: what a semantic lookup of a near-duplicate looks like. */
function near(base: Float32Array, noise: Float32Array, amount: number): Float32Array {
  const q = new Float32Array(base.length);
  for (let i = 0; i < q.length; i++) q[i] = base[i]! + amount * noise[i]!;
  return normalize(q);
}

describe('usearch ANN index', () => {
  it('loads (usearch 2.25.3 prebuilt)', () => {
    expect(usearch).toBeDefined();
  });

  it('agrees with brute force on a random set: top-1 ≥ 99 % (cosine), scores equal', () => {
    const dims = 384;
    const data = randomUnitVectors(4000, dims, 11);
    const noise = randomUnitVectors(300, dims, 12);
    const brute = new BruteForceIndex();
    const ann = new AnnPartition(usearch!, dims);
    data.forEach((v, i) => brute.add('s', `k${i}`, v));
    ann.addMany(
      data.map((_, i) => `k${i}`),
      data,
    );
    let agree = 0;
    let randomAgree = 0;
    noise.forEach((z, i) => {
      const q = near(data[(i * 13) % data.length]!, z, 0.5);
      const b = brute.search('s', q, 5, -1);
      const a = ann.search(q, 5, -1);
      if (a[0]?.key === b[0]?.key) {
        agree++;
        expect(a[0]!.score).toBeCloseTo(b[0]!.score, 4);
      }
      // Unrelated queries: every neighbour is about as far; reported, not asserted.
      if (ann.search(z, 1, -1)[0]?.key === brute.search('s', z, 1, -1)[0]?.key) randomAgree++;
    });
    console.log(
      `[usearch] top-1 agreement with brute force at 4k×384: near-duplicate queries ${((agree / noise.length) * 100).toFixed(1)} %, unrelated random queries ${((randomAgree / noise.length) * 100).toFixed(1)} %`,
    );
    expect(agree / noise.length).toBeGreaterThanOrEqual(0.99);
  });

  it('minScore filters, and removed keys are never returned (also after a rebuild)', () => {
    const dims = 32;
    const data = randomUnitVectors(3000, dims, 21);
    // A search expansion above the vector count visits all of the graph that is reachable.
    const ann = new AnnPartition(usearch!, dims, { ...HNSW, expansionSearch: 4096 });
    ann.addMany(
      data.map((_, i) => `k${i}`),
      data,
    );
    expect(ann.search(data[5]!, 3, 0.999)).toEqual([{ key: 'k5', score: expect.closeTo(1, 4) as number }]);
    ann.remove('k5');
    expect(ann.has('k5')).toBe(false);
    expect(ann.search(data[5]!, 3, -1).map((r) => r.key)).not.toContain('k5');
    // Removing more than the live count (and over 1024) rebuilds the graph without them.
    for (let i = 0; i < 2000; i++) ann.remove(`k${i}`);
    expect(ann.rebuilds).toBe(1);
    expect(ann.size).toBe(1000);
    // The rebuilt graph holds the kept vectors, and none finds a removed key. usearch's threaded
    // build can leave a few nodes unreachable (15 builds on a loaded machine: 981-1000 of 1000
    // found themselves), which costs a cache miss, never a wrong hit; a lost rebuild finds none.
    let found = 0;
    for (let i = 2000; i < 3000; i++) if (ann.search(data[i]!, 1, 0.999)[0]?.key === `k${i}`) found++;
    expect(found).toBeGreaterThanOrEqual(950);
    for (let i = 0; i < 50; i++)
      expect(
        ann
          .search(data[i]!, 5, -1)
          .map((r) => r.key)
          .every((k) => Number(k.slice(1)) >= 2000),
      ).toBe(true);
    // Re-adding a key replaces its vector.
    ann.add('k2000', data[1]!);
    expect(ann.search(data[1]!, 1, 0.999)[0]?.key).toBe('k2000');
    expect(ann.size).toBe(1000);
  });

  it('AdaptiveIndex: brute force below the threshold, usearch above it (built in chunks), back below half', async () => {
    const dims = 64;
    const data = randomUnitVectors(400, dims, 31);
    const events: string[] = [];
    const index = new AdaptiveIndex({
      annThreshold: 200,
      buildChunk: 50,
      onChange: (kind, scope, n) => events.push(`${kind}:${scope}:${n}`),
    });
    data.slice(0, 200).forEach((v, i) => index.add('a', `k${i}`, v));
    index.add('b', 'other', data[399]!);
    expect(index.describe()).toEqual({ bruteForce: 201, ann: 0, annScopes: 0 });
    index.add('a', 'k200', data[200]!);
    // The build runs over several turns; brute force answers meanwhile and sees what changes.
    expect(index.search('a', data[3]!, 1, 0.999)[0]?.key).toBe('k3');
    index.remove('k3');
    for (let i = 201; i < 260; i++) index.add('a', `k${i}`, data[i]!);
    await index.idle();
    expect(events).toEqual(['ann:a:259']);
    expect(index.describe()).toEqual({ bruteForce: 1, ann: 259, annScopes: 1 });
    expect(index.size).toBe(260);
    expect(index.search('a', data[3]!, 5, -1).map((r) => r.key)).not.toContain('k3');
    expect(index.search('a', data[250]!, 1, 0.999)[0]?.key).toBe('k250');
    // Scopes stay apart: the other scope's vector is not in a's results, and vice versa.
    expect(index.search('a', data[399]!, 5, 0.999)).toEqual([]);
    expect(index.search('b', data[399]!, 5, 0.999)[0]?.key).toBe('other');
    for (let i = 0; i < 170; i++) index.remove(`k${i}`);
    expect(events.at(-1)).toBe('brute-force:a:99');
    expect(index.describe()).toEqual({ bruteForce: 91, ann: 0, annScopes: 0 });
    expect(index.search('a', data[250]!, 1, 0.999)[0]?.key).toBe('k250');
  });

  it('AdaptiveIndex: a large load keeps arriving during the build and is taken over in chunks', async () => {
    const data = randomUnitVectors(1200, 32, 51);
    const index = new AdaptiveIndex({ annThreshold: 100, buildChunk: 50 });
    // As ResponseCache.load() does at start: one add after another, no pause in between.
    data.forEach((v, i) => index.add('a', `k${i}`, v));
    index.remove('k1100');
    expect(index.describe()).toEqual({ bruteForce: 1199, ann: 0, annScopes: 0 });
    await index.idle();
    expect(index.describe()).toEqual({ bruteForce: 0, ann: 1199, annScopes: 1 });
    for (const i of [0, 101, 600, 1199]) expect(index.search('a', data[i]!, 1, 0.999)[0]?.key).toBe(`k${i}`);
    expect(index.search('a', data[1100]!, 5, -1).map((r) => r.key)).not.toContain('k1100');
  });

  it('AdaptiveIndex: clear() during a build leaves nothing behind', async () => {
    const data = randomUnitVectors(300, 16, 41);
    const index = new AdaptiveIndex({ annThreshold: 100, buildChunk: 10 });
    data.forEach((v, i) => index.add('a', `k${i}`, v));
    index.clear();
    await index.idle();
    expect(index.size).toBe(0);
    expect(index.search('a', data[0]!, 1, -1)).toEqual([]);
  });

  it('in the response cache: evictions leave the ANN index, lookups still hit', async () => {
    const cache = new ResponseCache({
      settings: () => settings({ maxEntries: 150, semantic: { ...settings().semantic, annThreshold: 60 } }),
      embedder: new LexicalEmbedder(),
    });
    for (let i = 0; i < 200; i++)
      cache.store(
        req(`how do I configure service number ${i} for production`),
        { messages: [] },
        'ask',
        answer(`answer ${i}`),
      );
    // Embedding is in the background: every one of the 200 has gone through it (150 stay).
    await cache.embedded();
    const stats = cache.stats(true);
    expect(stats.entries).toBe(150);
    expect(stats.semantic.indexed).toBe(150);
    const hit = await cache.lookup(req('How do I configure service number 190 for production?'), 'ask');
    expect(hit).toMatchObject({ kind: 'semantic', entry: { text: 'answer 190' } });
    // Evicted: its exact entry is gone, so its vector must not match either.
    expect(await cache.lookup(req('How do I configure service number 10 for production?'), 'ask')).toBeUndefined();
  });

  it('search timings, brute force against usearch, at 10k × 384 (printed, not asserted)', () => {
    const [row] = benchVectorSearch({ sizes: [10_000], queries: 100 });
    console.log(
      `[vector search] ${JSON.stringify(row, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v))}`,
    );
    expect(row!.annP50Ms).not.toBeNull();
  });
});
