import type { Interval } from '../../protocol';

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of a proportion: unlike the normal approximation it stays inside
 * [0, 1] and keeps its coverage with few ratings or a rate near 0 or 1, which is where A/B
 * ratings live.
 */
export function wilson(successes: number, trials: number, z = Z95): Interval | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The 95% interval of a mean by the normal approximation (mean ± z·s/√n, s the sample standard
 * deviation). Costs and latencies are skewed, so with few requests it is rough; it needs two.
 */
export function meanInterval(values: readonly number[], z = Z95): { mean: number; ci: Interval } | null {
  const n = values.length;
  if (n < 2) return null;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const half = z * Math.sqrt(variance / n);
  return { mean, ci: { low: mean - half, high: mean + half } };
}

/**
 * meanInterval() from a count, a sum and a sum of squares, as SQL gives them: no values held.
 * The variance is clamped at 0 (rounding can make sum² / n exceed the sum of squares a little).
 */
export function meanIntervalOfSums(
  n: number,
  sum: number,
  sumSq: number,
  z = Z95,
): { mean: number; ci: Interval } | null {
  if (n < 2) return null;
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
  const half = z * Math.sqrt(variance / n);
  return { mean, ci: { low: mean - half, high: mean + half } };
}

/**
 * The arm whose interval lies wholly on the better side of every other arm's interval, or null.
 * Non-overlapping 95% intervals is stricter than a test at the 5% level: a winner named here is
 * a real difference, and a real but small difference may go unnamed until more data comes in.
 */
export function clearWinner(
  arms: readonly { name: string; ci: Interval | null }[],
  higherIsBetter: boolean,
): string | null {
  const known = arms.filter((a): a is { name: string; ci: Interval } => a.ci !== null);
  if (known.length < 2 || known.length < arms.length) return null;
  for (const a of known) {
    const beatsAll = known.every((b) => b === a || (higherIsBetter ? a.ci.low > b.ci.high : a.ci.high < b.ci.low));
    if (beatsAll) return a.name;
  }
  return null;
}
