import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheStore } from '../../../../daemon/cache/cacheStore';
import { LexicalEmbedder } from '../../../../daemon/cache/lexicalEmbedder';
import { ResponseCache } from '../../../../daemon/cache/responseCache';
import { answer, fakeClock, req, settings, settle } from './helpers';

const dirs: string[] = [];
function tmpDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-cache-'));
  dirs.push(dir);
  return path.join(dir, 'cache.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const log = () => undefined;

describe('response cache', () => {
  it('answers an exact hit, counts hits and misses, and reports the original cost as saved', async () => {
    const cache = new ResponseCache({ settings: () => settings() });
    expect(await cache.lookup(req('What is a monad?'), 'ask')).toBeUndefined();
    cache.store(req('What is a monad?'), { messages: [] }, 'ask', answer('A monad is…', 0.002));
    const hit = await cache.lookup(req('What is a monad?  \r\n'), 'ask');
    expect(hit?.kind).toBe('exact');
    expect(hit?.entry.text).toBe('A monad is…');
    const stats = cache.stats(true);
    expect(stats).toMatchObject({
      entries: 1,
      misses: 1,
      hits: { exact: 1, semantic: 0, stale: 0 },
      hitRate: 0.5,
      costSavedUsd: 0.002,
    });
  });

  it('survives a restart through cache.db, with the absolute expiry still holding', async () => {
    const file = tmpDb();
    const clock = fakeClock();
    const first = new ResponseCache({ settings: () => settings({ ttlMs: 10_000 }), now: clock.now });
    await first.attach(await CacheStore.open(file, log));
    first.store(req('kept'), { messages: [{ role: 'user', content: 'kept' }] }, 'ask', answer('kept answer'));
    first.store(req('short'), { messages: [{ role: 'user', content: 'short' }] }, 'ask', answer('short answer'));
    await first.close();

    clock.advance(5_000);
    const second = new ResponseCache({ settings: () => settings({ ttlMs: 10_000 }), now: clock.now });
    expect(await second.attach(await CacheStore.open(file, log))).toBe(2);
    expect((await second.lookup(req('kept'), 'ask'))?.entry.text).toBe('kept answer');
    await second.close();

    clock.advance(6_000); // 11 s after the store: past the 10 s TTL, even across restarts
    const third = new ResponseCache({ settings: () => settings({ ttlMs: 10_000 }), now: clock.now });
    await third.attach(await CacheStore.open(file, log));
    expect(await third.lookup(req('kept'), 'ask')).toBeUndefined();
    expect(third.stale(req('kept'))?.text).toBe('kept answer');
    await third.close();
  });

  it('writes answers stored while cache.db was still opening; a newer answer in memory beats the row on disk', async () => {
    const file = tmpDb();
    const clock = fakeClock();
    const before = new ResponseCache({ settings: () => settings({ ttlMs: 10_000 }), now: clock.now });
    await before.attach(await CacheStore.open(file, log));
    before.store(req('both'), { messages: [{ role: 'user', content: 'both' }] }, 'ask', answer('old answer'));
    await before.close();

    // The daemon serves before its cache.db is open: these two are stored first, then it attaches.
    const early = new ResponseCache({ settings: () => settings({ ttlMs: 10_000 }), now: clock.now });
    early.store(req('early'), { messages: [{ role: 'user', content: 'early' }] }, 'ask', answer('early answer'));
    early.store(req('both'), { messages: [{ role: 'user', content: 'both' }] }, 'ask', answer('new answer'));
    await early.attach(await CacheStore.open(file, log));
    expect((await early.lookup(req('both'), 'ask'))?.entry.text).toBe('new answer');
    await early.close();

    const after = new ResponseCache({ settings: () => settings({ ttlMs: 10_000 }), now: clock.now });
    expect(await after.attach(await CacheStore.open(file, log))).toBe(2);
    expect((await after.lookup(req('early'), 'ask'))?.entry.text).toBe('early answer');
    expect((await after.lookup(req('both'), 'ask'))?.entry.text).toBe('new answer');
    await after.close();
  });

  it('offers the most used expired prompts for warming after a restart, from cache.db', async () => {
    const file = tmpDb();
    const clock = fakeClock();
    const first = new ResponseCache({ settings: () => settings({ ttlMs: 1000 }), now: clock.now });
    await first.attach(await CacheStore.open(file, log));
    first.store(
      req('popular'),
      { messages: [{ role: 'user', content: 'popular' }], feature: 'ask' },
      'ask',
      answer('p'),
    );
    first.store(req('rare'), { messages: [{ role: 'user', content: 'rare' }] }, 'ask', answer('r'));
    for (let i = 0; i < 3; i++) await first.lookup(req('popular'), 'ask');
    await first.close();
    clock.advance(2000);
    const second = new ResponseCache({ settings: () => settings({ ttlMs: 1000 }), now: clock.now });
    await second.attach(await CacheStore.open(file, log));
    const warm = await second.warmCandidates(5);
    expect(warm).toEqual([
      {
        messages: [{ role: 'user', content: 'popular' }],
        feature: 'ask',
        provider: 'openai',
        model: 'gpt-5.4-mini',
        stream: false,
      },
    ]);
    await second.close();
  });

  it('clear empties memory and the file', async () => {
    const file = tmpDb();
    const cache = new ResponseCache({ settings: () => settings() });
    await cache.attach(await CacheStore.open(file, log));
    cache.store(req('a'), { messages: [] }, 'ask', answer('x'));
    expect(await cache.clear()).toBe(1);
    await cache.close();
    const again = new ResponseCache({ settings: () => settings() });
    expect(await again.attach(await CacheStore.open(file, log))).toBe(0);
    await again.close();
  });

  it('semantic: a reworded prompt hits, with the similarity and the original prompt', async () => {
    const cache = new ResponseCache({ settings: () => settings(), embedder: new LexicalEmbedder() });
    cache.store(req('How do I reverse a string in Python?'), { messages: [] }, 'ask', answer('Use s[::-1].'));
    await settle();
    const hit = await cache.lookup(req('how can I reverse a string in python'), 'ask');
    expect(hit?.kind).toBe('semantic');
    expect(hit?.similarity).toBeGreaterThanOrEqual(0.95);
    expect(hit?.entry.prompt).toBe('How do I reverse a string in Python?');
  });

  it('semantic: never crosses model, system prompt or parameters', async () => {
    const cache = new ResponseCache({ settings: () => settings(), embedder: new LexicalEmbedder() });
    cache.store(req('How do I reverse a string in Python?'), { messages: [] }, 'ask', answer('Use s[::-1].'));
    await settle();
    const q = 'how can I reverse a string in python';
    expect(await cache.lookup(req(q, { model: 'gpt-5.4' }), 'ask')).toBeUndefined();
    expect(await cache.lookup(req(q, { provider: 'anthropic' }), 'ask')).toBeUndefined();
    expect(await cache.lookup(req(q, { system: 'Answer in French.' }), 'ask')).toBeUndefined();
    expect(await cache.lookup(req(q, { temperature: 0.7 }), 'ask')).toBeUndefined();
    expect(await cache.lookup(req(q, { maxTokens: 100 }), 'ask')).toBeUndefined();
    expect((await cache.lookup(req(q), 'ask'))?.kind).toBe('semantic');
  });

  it('semantic: off for the features where a near answer is wrong, and the guards reject near twins', async () => {
    const cache = new ResponseCache({ settings: () => settings(), embedder: new LexicalEmbedder() });
    cache.store(req('Convert a string to an int in Java'), { messages: [] }, 'ask', answer('Integer.parseInt(s)'));
    cache.store(req('How do I sort a list in Python?'), { messages: [] }, 'edit', answer('sorted(xs)'));
    await settle();
    // The same words, so the vectors are identical; the relation guard sees the other direction.
    expect(await cache.lookup(req('Convert an int to a string in Java'), 'ask')).toBeUndefined();
    expect(cache.stats(true).semantic.rejected['what "to" refers to']).toBe(1);
    expect(await cache.lookup(req('How can I sort a list in Python'), 'edit')).toBeUndefined();
  });

  it('keeps only complete entries it was given: the gateway decides; an oversized answer is simply not kept', async () => {
    const cache = new ResponseCache({ settings: () => settings({ maxBytes: 10_000 }) });
    cache.store(req('big'), { messages: [] }, 'ask', answer('x'.repeat(20_000)));
    expect(await cache.lookup(req('big'), 'ask')).toBeUndefined();
  });
});
