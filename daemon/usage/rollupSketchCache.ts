import { LatencySketch, type SketchBins } from './latencySketch';
import { DAY_MS, HOUR_MS, type RollupGrain } from './rollupSchema';
import type { SqliteDb } from './sqlite';

/** A parsed dimension-free sketch row, valid while the row's version is this one. */
export interface CachedSketch {
  version: number;
  lat: SketchBins;
  ttft: SketchBins;
}

/** What the cache holds at most, per database: a year of daily sketches takes about 3 MB. */
export const SKETCH_CACHE_BYTES = 8 * 1024 * 1024;
/** The entry's own objects; its arrays are counted by their bytes. */
const ENTRY_BYTES = 200;

/**
 * Parsed sketches of the rollups' dimension-free rows, by grain and bucket, so that a question
 * over a year parses only the buckets written since it last read them (today's, a late row's),
 * not the year's text again. Exact by construction: an entry is used only for the version it
 * was parsed at, and every write to a row's text gives the row a new version (a trigger,
 * rollupSchema.ts sketchVersionTriggers). Bounded in bytes; the least recently used go first.
 */
export class SketchCache {
  private readonly entries = new Map<string, CachedSketch & { bytes: number }>();
  private bytes = 0;
  /** Buckets answered from the cache, and parsed from their text; tests and the bench read them. */
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes = SKETCH_CACHE_BYTES) {}

  get size(): number {
    return this.entries.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  /** Forgets every entry (a measurement of the first question, a test). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** The versions held for each bucket of the range (-1 where none), or null when none is held. */
  versions(grain: RollupGrain, range: { from: number; to: number }): number[] | null {
    if (this.entries.size === 0) return null;
    const unit = grain === 'day' ? DAY_MS : HOUR_MS;
    const out: number[] = [];
    let any = false;
    for (let bucket = range.from; bucket < range.to; bucket += unit) {
      const version = this.entries.get(`${grain}${bucket}`)?.version ?? -1;
      any ||= version !== -1;
      out.push(version);
    }
    return any ? out : null;
  }

  /** The row's parsed sketches if they were parsed at this version. */
  get(grain: RollupGrain, bucket: number, version: number): CachedSketch | undefined {
    const id = `${grain}${bucket}`;
    const entry = this.entries.get(id);
    if (!entry || entry.version !== version) return undefined;
    // Least recently used first: a hit moves to the end.
    this.entries.delete(id);
    this.entries.set(id, entry);
    this.hits++;
    return entry;
  }

  /** Parses the row's text and keeps it for this version. */
  parse(grain: RollupGrain, bucket: number, version: number, lat: string, ttft: string): CachedSketch {
    this.misses++;
    const entry = { version, lat: binsOf(lat), ttft: binsOf(ttft), bytes: 0 };
    entry.bytes =
      ENTRY_BYTES + [entry.lat, entry.ttft].reduce((n, b) => n + b.bins.byteLength + b.counts.byteLength, 0);
    const id = `${grain}${bucket}`;
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.bytes -= old.bytes;
    }
    if (entry.bytes > this.maxBytes) return entry;
    this.entries.set(id, entry);
    this.bytes += entry.bytes;
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= e.bytes;
    }
    return entry;
  }
}

/** One sketch parses every text in turn: a year's first question would otherwise allocate 730 dense arrays. */
const scratch = new LatencySketch();

function binsOf(text: string): SketchBins {
  scratch.clear();
  scratch.addText(text);
  return scratch.toBins();
}

const caches = new WeakMap<SqliteDb, SketchCache>();

/** The cache of one database connection (a ledger's reader). */
export function sketchCache(db: SqliteDb): SketchCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new SketchCache()));
  return cache;
}
