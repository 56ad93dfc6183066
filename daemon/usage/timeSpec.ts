const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * Parses a CLI time: a duration back from now ("30m", "24h", "7d", "2w"), "today" (local
 * midnight), a local date ("2025-03-01") or an ISO date-time. Returns ms since the epoch, or
 * null when the text is none of these.
 */
export function parseTimeSpec(text: string, now: number): number | null {
  const t = text.trim();
  const duration = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(t);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!;
  if (t === 'today') {
    const d = new Date(now);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  // A bare date means the user's midnight, not UTC's (which Date.parse would give).
  if (date) return new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3])).getTime();
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
