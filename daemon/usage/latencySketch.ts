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

/** Bin counts of one or more merged sketches. */
export class LatencySketch {
  private readonly bins = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(value: number, count = 1): void {
    this.addBin(binOf(value), count);
  }

  addBin(bin: number, count = 1): void {
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + count);
    this.total += count;
  }

  merge(other: LatencySketch): void {
    for (const [bin, n] of other.bins) this.addBin(bin, n);
  }

  /** Adds the bins of a text form ("12 12 -3:4 …"); tolerant of doubled or trailing spaces. */
  addText(text: string | null | undefined): void {
    if (!text) return;
    let i = 0;
    const end = text.length;
    while (i < end) {
      while (i < end && text.charCodeAt(i) === 32) i++;
      if (i >= end) break;
      let j = i;
      while (j < end && text.charCodeAt(j) !== 32) j++;
      const colon = text.indexOf(':', i);
      if (colon !== -1 && colon < j) this.addBin(Number(text.slice(i, colon)), Number(text.slice(colon + 1, j)));
      else this.addBin(Number(text.slice(i, j)));
      i = j;
    }
  }

  /** The compact text form: one "bin:count" token per bin, in bin order, with a trailing space. */
  toText(): string {
    let out = '';
    for (const bin of [...this.bins.keys()].sort((a, b) => a - b)) {
      const n = this.bins.get(bin)!;
      out += n === 1 ? `${bin} ` : `${bin}:${n} `;
    }
    return out;
  }

  /** Nearest-rank percentile, as percentiles.ts computes it exactly, within RELATIVE_ACCURACY. */
  quantile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.min(this.total, Math.max(1, Math.ceil((p / 100) * this.total)));
    let seen = 0;
    for (const bin of [...this.bins.keys()].sort((a, b) => a - b)) {
      seen += this.bins.get(bin)!;
      if (seen >= rank) return binValue(bin);
    }
    return null;
  }

  percentiles(): Percentiles {
    return { count: this.total, p50: this.quantile(50), p95: this.quantile(95), p99: this.quantile(99) };
  }
}
