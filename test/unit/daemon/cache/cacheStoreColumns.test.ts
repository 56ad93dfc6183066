import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheStore } from '../../../../daemon/cache/cacheStore';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { entry } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-cache-columns-'));
  dirs.push(dir);
  return path.join(dir, 'cache.db');
}

const noLog = (): void => undefined;

/** cache.db as the releases before the stop_sequence column wrote it. */
const OLD_SCHEMA = `CREATE TABLE entries (
  key TEXT PRIMARY KEY, scope TEXT NOT NULL, feature TEXT NOT NULL, request TEXT NOT NULL, prompt TEXT NOT NULL,
  text TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, stop_reason TEXT, usage TEXT NOT NULL,
  cost_usd REAL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, hits INTEGER NOT NULL DEFAULT 0,
  last_used INTEGER NOT NULL, vector TEXT, embedder TEXT);
CREATE INDEX entries_hits ON entries (hits);`;

describe('cache.db keeps the stop sequence an answer ended at', () => {
  it('round-trips it through a restart, and an entry without one stays without', async () => {
    const file = tempFile();
    const first = await CacheStore.open(file, noLog);
    first.put({ ...entry('ends'), stopReason: 'stop_sequence', stopSequence: '\n\n\n' });
    first.put(entry('plain'));
    await first.close();

    const second = await CacheStore.open(file, noLog);
    const loaded = new Map((await second.load(0, 0, 10)).map((e) => [e.key, e]));
    await second.close();
    expect(loaded.get('ends')?.stopSequence).toBe('\n\n\n');
    expect(loaded.get('ends')?.stopReason).toBe('stop_sequence');
    expect(loaded.get('plain')).toBeDefined();
    expect('stopSequence' in loaded.get('plain')!).toBe(false);
  });

  it('opens a cache.db from before the column, keeps its entries and stores new ones with it', async () => {
    const file = tempFile();
    const old = await SqliteDb.open(file);
    await old.exec(OLD_SCHEMA);
    await old.run(
      `INSERT INTO entries (key, scope, feature, request, prompt, text, provider, model, stop_reason, usage, cost_usd, created_at, expires_at, hits, last_used)
       VALUES ('old', 's', 'ask', '{"messages":[]}', 'old', 'old answer', 'openai', 'm', 'stop', '{}', 0.01, 0, 9007199254740991, 3, 0)`,
    );
    await old.close();

    const store = await CacheStore.open(file, noLog);
    store.put({ ...entry('new'), stopReason: 'stop_sequence', stopSequence: 'END' });
    await store.close();

    const reopened = await CacheStore.open(file, noLog);
    const loaded = new Map((await reopened.load(0, 0, 10)).map((e) => [e.key, e]));
    await reopened.close();
    expect(loaded.get('old')?.text).toBe('old answer');
    expect(loaded.get('old')?.hits).toBe(3);
    expect(loaded.get('old')?.stopSequence).toBeUndefined();
    expect(loaded.get('new')?.stopSequence).toBe('END');
  });
});
