import { aggregateUsage } from './rollupAggregate';
import { DAY_MS } from './rollupSchema';
import { sketchCache } from './rollupSketchCache';
import { sketchTextQuery } from './rollupSql';
import type { SqliteDb } from './sqlite';

/** The UTC days read ahead: a year by month (`conduit usage --since 365d --by month`) and the panel's 90 days. */
export const WARM_DAYS = 366;
/** Days a statement: each holds the SQLite thread for a few ms, so a question asked meanwhile waits little. */
const WARM_CHUNK_DAYS = 31;

/**
 * Parses the dimension-free daily sketches of the last WARM_DAYS days into the connection's cache
 * (rollupSketchCache.ts), newest first, so that the first question after the daemon starts merges
 * them as a question asked again does, instead of moving and parsing a year of text on its reply
 * path. The same entries the first such question would keep (a few MB, under the cache's cap).
 * Exact whatever is written meanwhile: each entry is kept for the version read with its text, and
 * a row written since has a new version, which a question then reads again. Returns the days parsed.
 */
export async function warmSketchCache(
  db: SqliteDb,
  now: number,
  between: () => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  const cache = sketchCache(db);
  const end = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  const start = end - WARM_DAYS * DAY_MS;
  let parsed = 0;
  for (let to = end; to > start; to -= WARM_CHUNK_DAYS * DAY_MS) {
    const from = Math.max(start, to - WARM_CHUNK_DAYS * DAY_MS);
    const held = cache.versions('day', { from, to });
    const buckets: number[] = [];
    for (let bucket = from, i = 0; bucket < to; bucket += DAY_MS, i++)
      if ((held?.[i] ?? -1) === -1) buckets.push(bucket);
    if (buckets.length === 0) continue;
    const row = await db.get<{ sketches: string | null }>(...sketchTextQuery('day', buckets));
    for (const item of row?.sketches ? row.sketches.split('\x1e') : []) {
      const [bucket, version, lat, ttft] = item.split('\x1f') as [string, string, string, string];
      // A question may have kept a newer version meanwhile; never replace it with this one.
      if (cache.versions('day', { from: Number(bucket), to: Number(bucket) + DAY_MS }) !== null) continue;
      cache.parse('day', Number(bucket), Number(version), lat, ttft);
      parsed++;
    }
    await between();
  }
  return parsed;
}

/**
 * The year by month, asked once as a client would (at the daemon's own offset, the client's on the
 * same machine) after the sketches are read ahead: what is still cold in a daemon that has answered
 * nothing (the statement's first run, the code that merges the answer) then is not cold on the first
 * client's reply path. The answer is dropped; its sketches are already in the cache.
 */
export async function askYearAhead(db: SqliteDb, now: number): Promise<void> {
  await aggregateUsage(db, {
    since: now - 365 * DAY_MS,
    until: now + 1,
    groupBy: ['month'],
    utcOffsetMinutes: -new Date(now).getTimezoneOffset(),
    sketches: true,
  });
}
