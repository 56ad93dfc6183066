/** For display only: the stored values stay unrounded. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unknown price';
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toFixed(6)}`;
  // Below a dollar, cents alone mislead: $0.045 spent must not read as $0.05 next to "$0.0047 left".
  if (usd !== 0 && Math.abs(usd) < 1) return `$${usd.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
  return `$${usd.toFixed(2)}`;
}
