/** Nearest-rank percentile over a copy of the samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
}

export function summarize(samples: number[]): Summary {
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export function fmt(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(3)} ms` : 'n/a';
}
