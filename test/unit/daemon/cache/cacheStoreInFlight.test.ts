import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheStore, MAX_PENDING_WRITES } from '../../../../daemon/cache/cacheStore';
import type { SqliteDb } from '../../../../daemon/usage/sqlite';
import { entry } from './helpers';

const dirs: string[] = [];
const releases: (() => void)[] = [];
afterEach(() => {
  for (const release of releases.splice(0)) release();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Holds the store's SQLite writes, as a stalled disk would, until the returned function is called. */
function stall(store: CacheStore): () => void {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  void (store as unknown as { db: SqliteDb }).db.write(() => held);
  releases.push(release);
  return release;
}

describe('cache.db writes waiting for SQLite are bounded by count (issue #23)', () => {
  it('holds one batch being written and at most MAX_PENDING_WRITES behind it, keeping deletions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-cache-inflight-'));
    dirs.push(dir);
    const logged: string[] = [];
    const store = await CacheStore.open(path.join(dir, 'cache.db'), (_level, msg) => logged.push(msg), {
      flushMs: 3_600_000,
    });
    await store.flush();
    const release = stall(store);
    // The first 500 make a batch, which SQLite holds; the rest wait behind it.
    for (let i = 0; i < 500; i++) store.put(entry(`k${i}`));
    store.delete('k0');
    const n = MAX_PENDING_WRITES * 5;
    for (let i = 500; i < n; i++) store.put(entry(`k${i}`));
    expect(store.entriesInFlight).toBe(500 + MAX_PENDING_WRITES);
    release();
    await store.flush();
    expect(store.entriesInFlight).toBe(0);
    expect(logged).toContain('cache entries not written: SQLite fell behind; they stay in memory only');
    // On disk: the first batch less the deletion, which outlived 7,500 newer entries, and the newest.
    expect(await store.count()).toBe(499 + MAX_PENDING_WRITES - 1);
    const keys = await (store as unknown as { db: SqliteDb }).db.all<{ key: string }>('SELECT key FROM entries');
    expect(keys.map((k) => k.key)).not.toContain('k0');
    expect(keys.map((k) => k.key)).toContain(`k${n - 1}`);
    await store.close();
  });
});
