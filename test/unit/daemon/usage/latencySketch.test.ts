import { describe, expect, it } from 'vitest';
import { binOf, binValue, LatencySketch, RELATIVE_ACCURACY, ZERO_BIN } from '../../../../daemon/usage/latencySketch';
import { nearestRank } from '../../../../daemon/usage/percentiles';
import { seededRandom } from '../../../fixtures/seededRandom';

const DISTRIBUTIONS: Record<string, (r: () => number) => number> = {
  uniform: (r) => 1 + r() * 10_000,
  logUniform: (r) => Math.exp(r() * 14) / 100,
  heavyTail: (r) => 50 / Math.pow(1 - r() * 0.999, 1.5),
  clustered: (r) => (r() < 0.8 ? 120 + r() : 30_000 + r() * 10),
};

describe('LatencySketch (DDSketch, 1% relative accuracy)', () => {
  for (const [name, draw] of Object.entries(DISTRIBUTIONS)) {
    it(`p50, p95 and p99 of ${name} data are within 1% of the exact nearest-rank percentiles`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const rand = seededRandom(seed);
        const values = Array.from({ length: 1 + Math.floor(rand() * 20_000) }, () => draw(rand));
        const sketch = new LatencySketch();
        for (const v of values) sketch.add(v);
        const sorted = [...values].sort((a, b) => a - b);
        for (const p of [50, 95, 99]) {
          const exact = nearestRank(sorted, p)!;
          expect(Math.abs(sketch.quantile(p)! - exact)).toBeLessThanOrEqual(RELATIVE_ACCURACY * exact * (1 + 1e-9));
        }
      }
    });
  }

  it('merging sketches of the parts, through their text form, answers as one sketch of the whole', () => {
    const rand = seededRandom(7);
    const whole = new LatencySketch();
    const merged = new LatencySketch();
    for (let part = 0; part < 50; part++) {
      const sketch = new LatencySketch();
      let appended = '';
      for (let i = 0; i < 200; i++) {
        const v = Math.exp(rand() * 10);
        whole.add(v);
        if (i % 2 === 0) sketch.add(v);
        else appended += `${binOf(v)} `;
      }
      merged.addText(sketch.toText() + appended);
    }
    expect(merged.count).toBe(whole.count);
    for (const p of [1, 50, 95, 99, 100]) expect(merged.quantile(p)).toBe(whole.quantile(p));
  });

  it('keeps zero and sub-microsecond values in a zero bin, and says null when empty', () => {
    const s = new LatencySketch();
    expect(s.percentiles()).toEqual({ count: 0, p50: null, p95: null, p99: null });
    s.add(0);
    s.add(1e-9);
    expect(binOf(0)).toBe(ZERO_BIN);
    expect(binValue(ZERO_BIN)).toBe(0);
    expect(s.percentiles()).toEqual({ count: 2, p50: 0, p95: 0, p99: 0 });
  });

  it('counts any bins, near or far, in either text form, as a plain map of bins would (property)', () => {
    const rand = seededRandom(17);
    for (let round = 0; round < 50; round++) {
      const reference = new Map<number, number>();
      const parts: LatencySketch[] = [];
      let text = '';
      for (let i = 0; i < 300; i++) {
        // Mostly the bins of real latencies, some far outside them, and the zero bin.
        const pick = rand();
        const bin =
          pick < 0.8 ? Math.floor(rand() * 1400) - 380 : pick < 0.9 ? ZERO_BIN : Math.floor((rand() - 0.5) * 1e6);
        const n = 1 + Math.floor(rand() * 5);
        reference.set(bin, (reference.get(bin) ?? 0) + n);
        if (rand() < 0.5) text += n === 1 ? `${bin} ` : `${bin}:${n}  `;
        else {
          const part = new LatencySketch();
          part.addBin(bin, n);
          parts.push(part);
        }
      }
      const sketch = new LatencySketch();
      sketch.addText(text);
      for (const part of parts) sketch.merge(part);
      const total = [...reference.values()].reduce((a, b) => a + b, 0);
      expect(sketch.count).toBe(total);
      const sorted = [...reference].sort(([a], [b]) => a - b);
      expect(sketch.toText()).toBe(sorted.map(([bin, n]) => (n === 1 ? `${bin} ` : `${bin}:${n} `)).join(''));
      for (const p of [1, 10, 50, 95, 99, 100]) {
        const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
        let seen = 0;
        const bin = sorted.find(([, n]) => (seen += n) >= rank)![0];
        expect(sketch.quantile(p)).toBe(binValue(bin));
      }
    }
  });

  it('keeps the same bins through toBins and addBins, dense or far, and after clear() starts empty', () => {
    const rand = seededRandom(41);
    const sketch = new LatencySketch();
    for (let i = 0; i < 2000; i++) sketch.add(Math.exp(rand() * 30 - 10));
    sketch.addBin(ZERO_BIN, 3);
    sketch.addBin(5000, 2);
    const copy = new LatencySketch();
    copy.addBins(sketch.toBins());
    expect(copy.toText()).toBe(sketch.toText());
    expect(copy.count).toBe(sketch.count);
    const dense = new LatencySketch();
    dense.addText('12 12 13:4 -7 ');
    const bins = dense.toBins();
    expect([...bins.bins]).toEqual([-7, 12, 13]);
    expect([...bins.counts]).toEqual([1, 2, 4]);
    dense.clear();
    expect(dense.count).toBe(0);
    expect(dense.toText()).toBe('');
    dense.addText('3 ');
    expect(dense.toText()).toBe('3 ');
  });

  it('percentiles() in one walk says what quantile() says for each, with bins far below, among and above the dense ones', () => {
    const rand = seededRandom(77);
    for (let round = 0; round < 300; round++) {
      const sketch = new LatencySketch();
      const kinds = Math.floor(rand() * 8);
      const n = Math.floor(rand() * 200);
      for (let i = 0; i < n; i++) {
        const pick = rand();
        // Dense (1 µs to days), the zero bin, and bins outside the dense array on either side.
        if (kinds & 1 && pick < 0.2) sketch.addBin(ZERO_BIN, 1 + Math.floor(rand() * 3));
        else if (kinds & 2 && pick < 0.4) sketch.addBin(1200 + Math.floor(rand() * 50), 1 + Math.floor(rand() * 3));
        else if (kinds & 4 && pick < 0.5) sketch.addBin(-600 - Math.floor(rand() * 50));
        else sketch.add(Math.exp(rand() * 20 - 5), 1 + Math.floor(rand() * 4));
      }
      // Half through addBins, the cache's way in.
      const merged = new LatencySketch();
      if (round % 2) merged.addBins(sketch.toBins());
      else merged.merge(sketch);
      for (const s of [sketch, merged]) {
        expect(s.percentiles()).toEqual({
          count: s.count,
          p50: s.quantile(50),
          p95: s.quantile(95),
          p99: s.quantile(99),
        });
      }
    }
    expect(new LatencySketch().percentiles()).toEqual({ count: 0, p50: null, p95: null, p99: null });
  });

  it('toBins keeps 8 bytes a bin when bins and counts fit 32 bits, and doubles (the same bins) when not', () => {
    const rand = seededRandom(43);
    const plain = new LatencySketch();
    for (let i = 0; i < 500; i++) plain.add(Math.exp(rand() * 20 - 5));
    plain.addBin(ZERO_BIN, 2);
    for (const s of [
      plain,
      (() => {
        const dense = new LatencySketch();
        dense.addText('3 4:7 900:2 ');
        return dense;
      })(),
    ]) {
      const b = s.toBins();
      expect(b.bins).toBeInstanceOf(Int32Array);
      expect(b.counts).toBeInstanceOf(Uint32Array);
      const copy = new LatencySketch();
      copy.addBins(b);
      expect(copy.toText()).toBe(s.toText());
    }
    // A count past 2^32 (dense, and beside a far bin) or a bin past 2^31 needs doubles.
    const huge = [
      (s: LatencySketch) => s.addBin(12, 2 ** 33),
      (s: LatencySketch) => {
        s.addBin(12);
        s.addBin(ZERO_BIN, 2 ** 32);
      },
      (s: LatencySketch) => s.addBin(2 ** 31),
    ];
    for (const fill of huge) {
      const s = new LatencySketch();
      fill(s);
      const b = s.toBins();
      expect(b.counts).toBeInstanceOf(Float64Array);
      const copy = new LatencySketch();
      copy.addBins(b);
      expect(copy.toText()).toBe(s.toText());
      expect(copy.count).toBe(s.count);
    }
  });
});
