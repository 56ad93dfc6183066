/** Calendar days at a fixed offset from UTC, as the daemon keys them (daemon/usage/calendarKey.ts). */

const DAY_MS = 86_400_000;

export function dayKey(ms: number, utcOffsetMinutes: number): string {
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Every day key from `since` to `until` (inclusive of the day `until` falls in), oldest first. */
export function daysBetween(since: number, until: number, utcOffsetMinutes: number): string[] {
  const days: string[] = [];
  const last = dayKey(until - 1, utcOffsetMinutes);
  for (let t = since; ; t += DAY_MS) {
    const key = dayKey(t, utcOffsetMinutes);
    if (days[days.length - 1] !== key) days.push(key);
    if (key >= last) return days;
  }
}

const HOUR_MS = 3_600_000;

/** YYYY-MM-DDTHH at a fixed offset, as the daemon keys hours. */
export function hourKey(ms: number, utcOffsetMinutes: number): string {
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 13);
}

/** Every hour key from `since` to `until` (inclusive of the hour `until` falls in), oldest first. */
export function hoursBetween(since: number, until: number, utcOffsetMinutes: number): string[] {
  const hours: string[] = [];
  const last = hourKey(until - 1, utcOffsetMinutes);
  for (let t = since; ; t += HOUR_MS) {
    const key = hourKey(t, utcOffsetMinutes);
    if (hours[hours.length - 1] !== key) hours.push(key);
    if (key >= last) return hours;
  }
}

export interface MonthInfo {
  /** YYYY-MM. */
  key: string;
  /** The month's first instant at the offset, ms since the epoch. */
  start: number;
  days: number;
  /** Days elapsed at `now`, with a fraction for today. */
  elapsedDays: number;
  /** Every day key of the month. */
  dayKeys: string[];
}

export function monthOf(now: number, utcOffsetMinutes: number): MonthInfo {
  const local = new Date(now + utcOffsetMinutes * 60_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const start = Date.UTC(y, m, 1) - utcOffsetMinutes * 60_000;
  const days = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const key = `${y}-${String(m + 1).padStart(2, '0')}`;
  const dayKeys = Array.from({ length: days }, (_, i) => `${key}-${String(i + 1).padStart(2, '0')}`);
  return { key, start, days, elapsedDays: Math.max(0, (now - start) / DAY_MS), dayKeys };
}
