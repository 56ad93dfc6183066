import type { ChartUnit } from './viewModel';

/**
 * The value axis's ticks and labels, chosen here rather than by uPlot so that every label is
 * distinct and shown with one precision: steps of 1, 2 or 5 × 10^k, from 0 to the first step at
 * or above the largest value, and as many decimals as the step needs (never "$0.0030" and
 * "$0.0030" side by side, never "$0.0000" for a small cost).
 */
export function niceTicks(max: number, target = 5): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const rough = max / Math.max(1, target - 1);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough * (1 - 1e-9))!;
  const ticks: number[] = [];
  const decimals = decimalsOf(step);
  for (let i = 0; ; i++) {
    // Rounded to the step's decimals: 3 × 0.1 is 0.30000000000000004 otherwise.
    const v = Number((i * step).toFixed(decimals));
    ticks.push(v);
    if (v >= max * (1 - 1e-12)) break;
  }
  return ticks;
}

/** Decimals needed to write multiples of `step` exactly (0.05 → 2, 20 → 0). */
export function decimalsOf(step: number): number {
  if (!(step > 0)) return 0;
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** Formats every tick of an axis with the one precision its step needs, in the axis's unit. */
export function tickLabels(unit: ChartUnit, ticks: readonly number[]): string[] {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : Math.abs(ticks[0] ?? 1) || 1;
  switch (unit) {
    case 'usd': {
      const d = Math.max(2, decimalsOf(step));
      return ticks.map((v) => `$${v.toFixed(d)}`);
    }
    case 'ms': {
      // One unit for the whole axis: seconds when its top reaches 10 s.
      const top = ticks[ticks.length - 1] ?? 0;
      if (top >= 10_000) {
        const d = decimalsOf(step / 1000);
        return ticks.map((v) => `${(v / 1000).toFixed(d)} s`);
      }
      const d = decimalsOf(step);
      return ticks.map((v) => `${v.toFixed(d)} ms`);
    }
    case 'percent': {
      const d = Math.max(0, decimalsOf(step * 100));
      return ticks.map((v) => `${(v * 100).toFixed(d)} %`);
    }
    case 'tokens':
    case 'count': {
      const d = decimalsOf(step);
      return ticks.map((v) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
    }
  }
}

/**
 * One precision for a column of amounts (a table's cost column): enough decimals for its
 * smallest non-zero amount to show two significant digits, at least 2 and at most 4; amounts
 * below $0.0001 read "< $0.0001", not "$0.0000".
 */
export function usdColumn(values: readonly (number | null | undefined)[]): (v: number | null | undefined) => string {
  const small = values
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v !== 0)
    .map((v) => Math.abs(v))
    .filter((v) => v >= 0.0001);
  const least = small.length ? Math.min(...small) : 1;
  const d = Math.min(4, Math.max(2, -Math.floor(Math.log10(least) + 1e-9) + 1));
  return (v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return '—';
    if (v !== 0 && Math.abs(v) < 0.0001) return v < 0 ? '> -$0.0001' : '< $0.0001';
    return `$${v.toFixed(d)}`;
  };
}

/** One precision for a column of durations: whole ms, or seconds with one decimal when any reaches 10 s. */
export function msColumn(values: readonly (number | null | undefined)[]): (v: number | null | undefined) => string {
  const seconds = values.some((v) => typeof v === 'number' && v >= 10_000);
  return (v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return '—';
    return seconds ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
  };
}
