/**
 * The usearch graphs saved at close and loaded at start, with the real cache store (SQLite) and
 * the real usearch binary: loaded when they match the store, rebuilt (and why logged) when not.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANN_DIR } from '../../../../daemon/cache/annSnapshot';
import { CACHE_FILE, CacheStore } from '../../../../daemon/cache/cacheStore';
import { LexicalEmbedder } from '../../../../daemon/cache/lexicalEmbedder';
import { ResponseCache } from '../../../../daemon/cache/responseCache';
import { variedPrompt } from '../../../fixtures/semantic/variedPrompts';
import { answer, req, settings } from './helpers';

const ANN_THRESHOLD = 40;
const ENTRIES = 90;
const cacheSettings = () => settings({ semantic: { ...settings().semantic, annThreshold: ANN_THRESHOLD } });
const prompt = variedPrompt;

type Logged = { level: string; msg: string; fields?: Record<string, unknown> }[];

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

async function open(home: string, logged: Logged = []): Promise<ResponseCache> {
  const log = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => {
    logged.push({ level, msg, ...(fields ? { fields } : {}) });
  };
  const cache = new ResponseCache({ settings: cacheSettings, log });
  await cache.useEmbedder(new LexicalEmbedder());
  await cache.attach(await CacheStore.open(path.join(home, CACHE_FILE), log, { flushMs: 10 }), { annHome: home });
  return cache;
}

/** A home whose cache holds ENTRIES answers in one scope, searched in a usearch graph, then closed. */
async function savedHome(): Promise<string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-ann-'));
  homes.push(home);
  const cache = await open(home);
  for (let i = 0; i < ENTRIES; i++) cache.store(req(prompt(i)), { messages: [] }, 'ask', answer(`answer ${i}`));
  await expect.poll(() => cache.stats(true).semantic.ann?.entries, { timeout: 20_000 }).toBe(ENTRIES);
  await cache.close();
  return home;
}

async function expectLookupsRight(cache: ResponseCache): Promise<void> {
  for (const i of [3, 41, 77]) {
    const hit = await cache.lookup(req(`${prompt(i).toUpperCase()}?`), 'ask');
    expect(hit).toMatchObject({ kind: 'semantic', entry: { text: `answer ${i}` } });
  }
}

describe('saved ANN graphs', () => {
  it('a restart loads the saved graph instead of rebuilding it, and lookups find the right entries', async () => {
    const home = await savedHome();
    expect(fs.readdirSync(path.join(home, ANN_DIR)).filter((f) => f.endsWith('.usearch'))).toHaveLength(1);
    const logged: Logged = [];
    const cache = await open(home, logged);
    const ann = cache.stats(true).semantic.ann;
    // Straight after attach, before any build could have run: the graph came from the file.
    expect(ann).toEqual({
      scopes: 1,
      entries: ENTRIES,
      loadedFromDisk: { scopes: 1, entries: ENTRIES },
      rebuildReasons: [],
    });
    expect(logged.some((l) => l.msg === 'semantic cache: loaded the saved ANN index')).toBe(true);
    await expectLookupsRight(cache);
    await cache.close();
  });

  it('a damaged graph file is not handed to usearch: the scope is rebuilt from the store, and why is logged', async () => {
    const home = await savedHome();
    const dir = path.join(home, ANN_DIR);
    const graph = path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.usearch'))!,
    );
    const bytes = fs.readFileSync(graph);
    // Cut short, as a crash mid-write would leave it (usearch itself aborts the process on this file).
    fs.writeFileSync(graph, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const logged: Logged = [];
    const cache = await open(home, logged);
    const ann = cache.stats(true).semantic.ann!;
    expect(ann.loadedFromDisk).toEqual({ scopes: 0, entries: 0 });
    expect(ann.rebuildReasons).toEqual([expect.stringMatching(/checksum does not match/) as string]);
    expect(logged.find((l) => l.level === 'warn')?.msg).toMatch(/saved ANN index was not used; rebuilding it/);
    // Rebuilt: brute force answers at once, then the scope moves to a fresh graph.
    await expectLookupsRight(cache);
    await expect.poll(() => cache.stats(true).semantic.ann?.entries, { timeout: 20_000 }).toBe(ENTRIES);
    await expectLookupsRight(cache);
    await cache.close();
  });

  it('a graph that no longer matches the store (an entry gone, another embedder, a bad manifest) is rebuilt', async () => {
    const home = await savedHome();
    const store = await CacheStore.open(path.join(home, CACHE_FILE), () => undefined);
    const [gone] = await store.mostUsed(1).then(() => store.load(Date.now(), 0, 1));
    store.delete(gone!.key);
    await store.close();
    const cache = await open(home);
    expect(cache.stats(true).semantic.ann?.rebuildReasons).toEqual([
      expect.stringMatching(new RegExp(`the store holds ${ENTRIES - 1} entries, the saved graph ${ENTRIES}`)) as string,
    ]);
    await cache.close();

    const manifest = path.join(home, ANN_DIR, 'manifest.json');
    const saved = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { embedder: string };
    fs.writeFileSync(manifest, JSON.stringify({ ...saved, embedder: 'local:other-model:000000000000' }));
    const other = await open(home);
    expect(other.stats(true).semantic.ann?.rebuildReasons).toEqual([
      `the saved index was built from local:other-model:000000000000 vectors, the cache now uses ${new LexicalEmbedder().id}`,
    ]);
    await other.close();

    fs.writeFileSync(manifest, '{"version": 1, "scop');
    const unreadable = await open(home);
    expect(unreadable.stats(true).semantic.ann?.rebuildReasons).toEqual([
      expect.stringMatching(/manifest is unreadable/) as string,
    ]);
    await expectLookupsRight(unreadable);
    await unreadable.close();
  });
});
