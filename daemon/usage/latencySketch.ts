import type { Percentiles } from '../../protocol/usage';

/**
 * A DDSketch (Masson, Rim & Lee, VLDB 2019) with logarithmic bins: a value x > 0 falls in bin
 * k = ceil(log_γ x), γ = (1 + α) / (1 − α), and every value of bin k is within α of the bin's
 * representative 2γ^k / (γ + 1). So a percentile read from merged bins is within α (1%) of the
 * exact nearest-rank percentile of the same values, however many sketches were merged.
 *
 * Bins are kept as text, "k" or "k:count" tokens separated by spaces, because SQLite itself
 * appends a request's bin to its hourly and daily rollups (a trigger, in the insert's own
 * statement: migrations.ts); the reader and the compactor accept both forms.
 */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);
/** Below this (ms) a value counts as zero: a cache hit answered in a few microseconds. */
const MIN_VALUE = 1e-3;
/** The bin of zero; below every logarithmic bin (log_γ 1e-3 ≈ −346). */
export const ZERO_BIN = -100_000;

export function binOf(value: number): number {
  if (!(value > MIN_VALUE)) return ZERO_BIN;
  return Math.ceil(Math.log(value) / LN_GAMMA);
}

export function binValue(bin: number): number {
  if (bin === ZERO_BIN) return 0;
  return (2 * Math.pow(GAMMA, bin)) / (GAMMA + 1);
}

/**
 * The bins a value of 1 µs to about 11 days falls in (log_γ 1e-3 ≈ −346, log_γ 1e9 ≈ 1036) are
 * counted in a dense array: merging a year of daily sketches is then array additions, not map
 * look-ups. Other bins (zero, or a text from elsewhere) go to a map.
 */
const DENSE_MIN = -400;
const DENSE_SIZE = 1500;

/**
 * A sketch's bins and their counts, in bin order, merged without parsing: 8 bytes a bin when every
 * bin is a 32-bit integer and every count fits 32 bits unsigned (always, for Conduit's own text),
 * else 16 (doubles), so that the parsed year the daemon keeps (rollupSketchCache.ts) costs half.
 */
export interface SketchBins {
  bins: Int32Array | Float64Array;
  counts: Uint32Array | Float64Array;
}

/** The narrow arrays when every value fits them exactly. */
function narrowed(bins: ArrayLike<number>, counts: ArrayLike<number>): SketchBins {
  let fits = true;
  for (let i = 0; fits && i < bins.length; i++) {
    fits = (bins[i]! | 0) === bins[i] && counts[i]! >>> 0 === counts[i];
  }
  return fits
    ? { bins: Int32Array.from(bins), counts: Uint32Array.from(counts) }
    : { bins: Float64Array.from(bins), counts: Float64Array.from(counts) };
}

/** Bin counts of one or more merged sketches. */
export class LatencySketch {
  private dense: Float64Array | null = null;
  private readonly sparse = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(value: number, count = 1): void {
    this.addBin(binOf(value), count);
  }

  addBin(bin: number, count = 1): void {
    const i = bin - DENSE_MIN;
    if (i >= 0 && i < DENSE_SIZE) (this.dense ??= new Float64Array(DENSE_SIZE))[i]! += count;
    else this.sparse.set(bin, (this.sparse.get(bin) ?? 0) + count);
    this.total += count;
  }

  merge(other: LatencySketch): void {
    if (other.dense) {
      const mine = (this.dense ??= new Float64Array(DENSE_SIZE));
      const theirs = other.dense;
      for (let i = 0; i < DENSE_SIZE; i++) mine[i]! += theirs[i]!;
    }
    for (const [bin, n] of other.sparse) this.sparse.set(bin, (this.sparse.get(bin) ?? 0) + n);
    this.total += other.total;
  }

  addBins(b: SketchBins): void {
    const { bins, counts } = b;
    // One loop without a call a bin: a year's question merges hundreds of thousands of bins, often
    // in code V8 has not optimized yet (the first question after the daemon starts).
    const dense = (this.dense ??= new Float64Array(DENSE_SIZE));
    let total = 0;
    for (let i = 0; i < bins.length; i++) {
      const bin = bins[i]!;
      const n = counts[i]!;
      const k = bin - DENSE_MIN;
      if (k >= 0 && k < DENSE_SIZE) dense[k]! += n;
      else this.sparse.set(bin, (this.sparse.get(bin) ?? 0) + n);
      total += n;
    }
    this.total += total;
  }

  toBins(): SketchBins {
    const dense = this.dense;
    if (this.sparse.size > 0 || !dense) {
      const pairs = [...this.binsInOrder()];
      return narrowed(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
    }
    // The usual case, and a year's first question makes hundreds: two passes over the dense bins.
    let n = 0;
    let narrow = true;
    for (let i = 0; i < DENSE_SIZE; i++) {
      const c = dense[i]!;
      if (c === 0) continue;
      n++;
      narrow &&= c >>> 0 === c;
    }
    const out: SketchBins = narrow
      ? { bins: new Int32Array(n), counts: new Uint32Array(n) }
      : { bins: new Float64Array(n), counts: new Float64Array(n) };
    for (let i = 0, j = 0; i < DENSE_SIZE; i++) {
      if (dense[i] === 0) continue;
      out.bins[j] = i + DENSE_MIN;
      out.counts[j++] = dense[i]!;
    }
    return out;
  }

  /** Empties the sketch, keeping its dense array for the next use. */
  clear(): void {
    this.dense?.fill(0);
    this.sparse.clear();
    this.total = 0;
  }

  /**
   * Adds the bins of a text form ("12 12 -3:4 …"); tolerant of doubled or trailing spaces.
   * Parsed by character codes: a year of daily sketches is hundreds of thousands of tokens.
   */
  addText(text: string | null | undefined): void {
    if (!text) return;
    const end = text.length;
    let i = 0;
    while (i < end) {
      let c = text.charCodeAt(i);
      if (c === SPACE) {
        i++;
        continue;
      }
      const start = i;
      const negative = c === MINUS;
      if (negative) i++;
      let bin = 0;
      let digits = 0;
      while (i < end && (c = text.charCodeAt(i)) >= ZERO && c <= NINE) {
        bin = bin * 10 + (c - ZERO);
        digits++;
        i++;
      }
      let count = 1;
      let ok = digits > 0;
      if (ok && i < end && c === COLON) {
        i++;
        count = 0;
        let countDigits = 0;
        while (i < end && (c = text.charCodeAt(i)) >= ZERO && c <= NINE) {
          count = count * 10 + (c - ZERO);
          countDigits++;
          i++;
        }
        ok = countDigits > 0;
      }
      if (ok && (i >= end || c === SPACE)) {
        this.addBin(negative ? -bin : bin, count);
        continue;
      }
      // Anything else (never written by Conduit): read the token as Number() would.
      while (i < end && text.charCodeAt(i) !== SPACE) i++;
      this.addToken(text.slice(start, i));
    }
  }

  private addToken(token: string): void {
    const colon = token.indexOf(':');
    if (colon === -1) this.addBin(Number(token));
    else this.addBin(Number(token.slice(0, colon)), Number(token.slice(colon + 1)));
  }

  /** Each bin and its count, in bin order. */
  private *binsInOrder(): Generator<[number, number]> {
    const outside = [...this.sparse.keys()].sort((a, b) => a - b);
    let o = 0;
    const dense = this.dense;
    if (dense) {
      for (let i = 0; i < DENSE_SIZE; i++) {
        if (dense[i] === 0) continue;
        const bin = i + DENSE_MIN;
        while (o < outside.length && outside[o]! < bin) {
          yield [outside[o]!, this.sparse.get(outside[o]!)!];
          o++;
        }
        yield [bin, dense[i]!];
      }
    }
    for (; o < outside.length; o++) yield [outside[o]!, this.sparse.get(outside[o]!)!];
  }

  /** The compact text form: one "bin:count" token per bin, in bin order, with a trailing space. */
  toText(): string {
    let out = '';
    for (const [bin, n] of this.binsInOrder()) out += n === 1 ? `${bin} ` : `${bin}:${n} `;
    return out;
  }

  /** Nearest-rank percentile, as percentiles.ts computes it exactly, within RELATIVE_ACCURACY. */
  quantile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.min(this.total, Math.max(1, Math.ceil((p / 100) * this.total)));
    let seen = 0;
    for (const [bin, n] of this.binsInOrder()) {
      seen += n;
      if (seen >= rank) return binValue(bin);
    }
    return null;
  }

  /**
   * quantile(50), (95) and (99) in one walk over the bins, without the generator: every group of an
   * answer takes all three, and a 90-day question's 91 groups walked their bins six times each through
   * binsInOrder (a pair allocated a bin), which on a daemon's first question was most of its time.
   */
  percentiles(): Percentiles {
    const total = this.total;
    const out: Percentiles = { count: total, p50: null, p95: null, p99: null };
    if (total === 0) return out;
    const rank = (p: number) => Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
    const r50 = rank(50);
    const r95 = rank(95);
    const r99 = rank(99);
    let seen = 0;
    // True once the last (p99) is found.
    const step = (bin: number, n: number): boolean => {
      seen += n;
      if (out.p50 === null && seen >= r50) out.p50 = binValue(bin);
      if (out.p95 === null && seen >= r95) out.p95 = binValue(bin);
      if (seen < r99) return false;
      out.p99 = binValue(bin);
      return true;
    };
    const outside = this.sparse.size > 0 ? [...this.sparse.keys()].sort((a, b) => a - b) : [];
    let o = 0;
    const dense = this.dense;
    if (dense) {
      for (let i = 0; i < DENSE_SIZE; i++) {
        const n = dense[i]!;
        if (n === 0) continue;
        const bin = i + DENSE_MIN;
        for (; o < outside.length && outside[o]! < bin; o++)
          if (step(outside[o]!, this.sparse.get(outside[o]!)!)) return out;
        if (step(bin, n)) return out;
      }
    }
    for (; o < outside.length; o++) if (step(outside[o]!, this.sparse.get(outside[o]!)!)) return out;
    return out;
  }
}

const SPACE = 32;
const MINUS = 45;
const COLON = 58;
const ZERO = 48;
const NINE = 57;
