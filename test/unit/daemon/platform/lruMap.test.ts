import { describe, expect, it } from 'vitest';
import { LruMap } from '../../../../daemon/platform/lruMap';

describe('LruMap', () => {
  it('holds at most max entries, dropping one not used since it was last passed over', () => {
    const evicted: string[] = [];
    const m = new LruMap<string, number>(3, { evicted: (_v, k) => evicted.push(k) });
    m.set('a', 1).set('b', 2).set('c', 3);
    expect(m.get('a')).toBe(1);
    m.set('d', 4);
    expect(evicted).toEqual(['b']);
    expect([...m.keys()].sort()).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 1000; i++) m.set(`x${i}`, i);
    expect(m.size).toBe(3);
  });

  it('keeps an entry read between every two evictions, however many are added', () => {
    const m = new LruMap<string, number>(4);
    m.set('hot', 0);
    for (let i = 0; i < 1000; i++) {
      m.set(`cold${i}`, i);
      expect(m.get('hot')).toBe(0);
    }
    expect(m.size).toBe(4);
  });

  it('peek leaves the order alone; set of a present key refreshes it without evicting', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.peek('a')).toBe(1);
    m.set('b', 3);
    m.set('c', 4);
    expect([...m.entries()]).toEqual([
      ['b', 3],
      ['c', 4],
    ]);
  });

  it('evicts the oldest entry keep does not protect, and the oldest of all when it protects every one', () => {
    const m = new LruMap<string, boolean>(2, { keep: (held) => held });
    m.set('held', true).set('free', false).set('new', false);
    expect([...m.keys()]).toEqual(['held', 'new']);
    const all = new LruMap<string, boolean>(2, { keep: () => true });
    all.set('a', true).set('b', true).set('c', true);
    expect([...all.keys()]).toEqual(['b', 'c']);
  });

  it('refuses a cap below one', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
