import { isoUtc } from '../platform/isoUtc';

/**
 * Calendar keys at a fixed offset from UTC. A fixed offset per query (rather than a time zone)
 * keeps the daemon free of time-zone data; across a DST change a day boundary can be an hour
 * off, which a usage report tolerates.
 */
export function dayKey(ms: number, utcOffsetMinutes: number): string {
  return isoUtc(ms + utcOffsetMinutes * 60_000).slice(0, 10);
}

/** YYYY-MM-DDTHH at the offset: the panel's hours of a day. */
export function hourKey(ms: number, utcOffsetMinutes: number): string {
  return isoUtc(ms + utcOffsetMinutes * 60_000).slice(0, 13);
}

export function monthKey(ms: number, utcOffsetMinutes: number): string {
  return dayKey(ms, utcOffsetMinutes).slice(0, 7);
}

/** The start of the calendar day containing `ms`, in ms since the epoch. */
export function startOfDay(ms: number, utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * 60_000;
  return Math.floor((ms + offset) / 86_400_000) * 86_400_000 - offset;
}

/** This machine's offset from UTC now, east positive (Date's own sign is the other way). */
export function localUtcOffsetMinutes(at: number = Date.now()): number {
  return -new Date(at).getTimezoneOffset();
}
