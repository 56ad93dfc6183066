/** Number formats for the panel: fixed locale (en-US) so tests and screenshots are stable. */

/** Dollars: 2 decimals, 4 below a cent, and "< $0.0001" for less (never "$0.0000" for a cost that is not zero). */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs > 0 && abs < 0.0001) return value < 0 ? '> -$0.0001' : '< $0.0001';
  const digits = abs === 0 ? 2 : abs < 0.01 ? 4 : 2;
  return `$${value.toFixed(digits)}`;
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}

/** A share (0..1) as a percentage with one decimal; "—" when there is nothing to divide by. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(1)} %`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** A time of day at the panel's offset: "14:05:09", with the date when it is not `today`. */
export function clock(at: number, utcOffsetMinutes: number, today: string): string {
  const iso = new Date(at + utcOffsetMinutes * 60_000).toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  return day === today ? time : `${day} ${time}`;
}

/** "in 12 s", "in 3 min", or "now" for a time that has passed. */
export function until(at: number | null, now: number): string {
  if (at === null) return '—';
  const s = Math.round((at - now) / 1000);
  if (s <= 0) return 'now';
  return s < 120 ? `in ${s} s` : `in ${Math.round(s / 60)} min`;
}
