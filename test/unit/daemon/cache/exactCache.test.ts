import { describe, expect, it } from 'vitest';
import { entryBytes } from '../../../../daemon/cache/cacheEntry';
import { ExactCache } from '../../../../daemon/cache/exactCache';
import { entry, fakeClock } from './helpers';

describe('exact cache (LRU + TTL)', () => {
  it('evicts the least recently used entry past the entry count', () => {
    const evicted: string[] = [];
    const c = new ExactCache({ maxEntries: 3, maxBytes: 1e9, staleMaxAgeMs: 0, onEvict: (e) => evicted.push(e.key) });
    for (const k of ['a', 'b', 'c']) c.set(entry(k));
    expect(c.get('a')).toBeDefined(); // a is now the most recent
    c.set(entry('d'));
    expect(c.size).toBe(3);
    expect(c.get('b')).toBeUndefined();
    expect(evicted).toEqual(['b']);
    expect(['a', 'c', 'd'].every((k) => c.get(k))).toBe(true);
  });

  it('evicts by bytes, and refuses an entry larger than the whole cache', () => {
    const one = entryBytes(entry('a', 'x'.repeat(1000)));
    const c = new ExactCache({ maxEntries: 100, maxBytes: one * 2 + 10, staleMaxAgeMs: 0 });
    c.set(entry('a', 'x'.repeat(1000)));
    c.set(entry('b', 'x'.repeat(1000)));
    c.set(entry('c', 'x'.repeat(1000)));
    expect(c.size).toBe(2);
    expect(c.get('a')).toBeUndefined();
    expect(c.bytes).toBeLessThanOrEqual(one * 2 + 10);
    expect(c.set(entry('huge', 'x'.repeat(100_000)))).toBe(false);
    expect(c.size).toBe(2);
  });

  it('counts a vector that arrives after the entry was stored, twice (the entry and the index row), and evicts to stay in bounds', () => {
    const plain = entryBytes(entry('a'));
    const evicted: string[] = [];
    const c = new ExactCache({
      maxEntries: 100,
      maxBytes: plain * 2 + 4096 * 4 + 10,
      staleMaxAgeMs: 0,
      onEvict: (e) => evicted.push(e.key),
    });
    const a = entry('a');
    c.set(a);
    c.set(entry('b'));
    expect(c.bytes).toBe(plain * 2);
    const b = c.peek('b')!;
    b.vector = new Float32Array(1024);
    const held = c.resize(b);
    expect(held).toMatchObject({ key: 'b', vector: b.vector });
    expect(c.peek('b')).toBe(held);
    expect(evicted).toEqual([]);
    expect(c.bytes).toBe(plain * 2 + 4096 * 2);
    // A third entry with its vector no longer fits beside both: the least recently used goes.
    const d = entry('d');
    c.set(d);
    d.vector = new Float32Array(1024);
    c.resize(d);
    expect(evicted).toEqual(['a']);
    expect(c.bytes).toBe(plain * 2 + 4096 * 4);
    // An entry that left the cache is not brought back by a late resize.
    expect(c.resize(a)).toBeUndefined();
    expect(c.peek('a')).toBeUndefined();
  });

  it('expires by TTL on a fake clock, keeping the entry for the stale fallback until its stale window ends', () => {
    const clock = fakeClock();
    const c = new ExactCache({ maxEntries: 10, maxBytes: 1e9, staleMaxAgeMs: 1000, now: clock.now });
    c.set(entry('a', 'answer', clock.now() + 500));
    expect(c.get('a')).toBeDefined();
    clock.advance(499);
    expect(c.get('a')).toBeDefined();
    clock.advance(1);
    expect(c.get('a')).toBeUndefined();
    expect(c.getStale('a')?.text).toBe('answer');
    clock.advance(1000);
    expect(c.getStale('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });
});
