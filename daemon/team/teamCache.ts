import type Redis from 'ioredis';
import type { CacheEntry } from '../cache/cacheEntry';
import type { SharedCacheTier } from '../cache/sharedTier';
import { decodeEntry, encodeEntry } from './cacheWire';
import type { TeamConnection } from './teamConnection';

export interface TeamCacheOptions {
  /** This daemon's id in the stream, so it skips its own entries. */
  origin: string;
  /** Whether prompts may be written to Redis (sampling is on). */
  sharePrompts: () => boolean;
  maxStreamEntries: () => number;
  /** Hands an entry another daemon stored to the local cache. */
  adopt: (entry: CacheEntry) => Promise<unknown>;
  log?: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * The team's cache in Redis. Exact: one key per entry with the entry's TTL, read on a local miss.
 * Semantic: every stored entry is also appended to a capped stream that each daemon follows, so
 * its local vector index holds the team's entries; a daemon that starts late (or was cut off)
 * reads the stream from where it stopped, the start the first time.
 */
export class TeamCache implements SharedCacheTier {
  private reader: Redis | undefined;
  private lastId = '0';
  private stopped = false;
  private following: Promise<void> | undefined;
  adopted = 0;

  constructor(
    private readonly team: TeamConnection,
    private readonly opts: TeamCacheOptions,
  ) {}

  private entryKey(key: string): string {
    return this.team.key('cache', key);
  }

  get streamKey(): string {
    return this.team.key('cache-stream');
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    if (!this.team.up) return undefined;
    const text = await this.team.client.get(this.entryKey(key));
    const entry = text ? decodeEntry(text) : undefined;
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  put(entry: CacheEntry): void {
    const ttlMs = Math.floor(entry.expiresAt - Date.now());
    if (!this.team.up || ttlMs <= 0) return;
    const wire = encodeEntry(entry, this.opts.sharePrompts());
    this.team.client
      .multi()
      .set(this.entryKey(entry.key), wire, 'PX', ttlMs)
      .xadd(
        this.streamKey,
        'MAXLEN',
        '~',
        String(this.opts.maxStreamEntries()),
        '*',
        'origin',
        this.opts.origin,
        'entry',
        wire,
      )
      .exec()
      .catch((err: unknown) =>
        this.opts.log?.('warn', 'team cache: could not share an entry', {
          err: err instanceof Error ? err.message : String(err),
        }),
      );
  }

  /** Follows the stream until `stop`; resolves once the backlog (what this daemon missed) is in. */
  async start(): Promise<void> {
    this.reader ??= this.team.duplicate();
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => {
      caughtUp = r;
    });
    this.following = this.follow(caughtUp);
    await Promise.race([ready, new Promise((r) => setTimeout(r, 5000).unref())]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reader?.disconnect();
    await this.following;
  }

  private async follow(caughtUp: () => void): Promise<void> {
    const reader = this.reader!;
    let backlog = true;
    while (!this.stopped) {
      try {
        // The backlog in pages without blocking; then wait for new entries.
        const res = backlog
          ? await reader.xread('COUNT', 500, 'STREAMS', this.streamKey, this.lastId)
          : await reader.xread('COUNT', 500, 'BLOCK', 5000, 'STREAMS', this.streamKey, this.lastId);
        const messages = res?.[0]?.[1] ?? [];
        for (const [id, fields] of messages) {
          this.lastId = id;
          await this.take(fields);
        }
        if (backlog && messages.length < 500) {
          backlog = false;
          caughtUp();
        }
      } catch (err) {
        if (this.stopped) break;
        this.opts.log?.('warn', 'team cache: stream read failed; retrying', {
          err: err instanceof Error ? err.message : String(err),
        });
        // After an outage, read what was missed before blocking again.
        backlog = true;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    caughtUp();
  }

  private async take(fields: string[]): Promise<void> {
    const field = (name: string) => {
      const i = fields.indexOf(name);
      return i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
    };
    if (field('origin') === this.opts.origin) return;
    const wire = field('entry');
    const entry = wire ? decodeEntry(wire) : undefined;
    if (!entry || entry.expiresAt <= Date.now()) return;
    await this.opts.adopt(entry);
    this.adopted++;
  }
}
