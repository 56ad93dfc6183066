import { describe, expect, it } from 'vitest';
import { thresholdFor, defaultCacheSettings } from '../../../../daemon/cache/cacheSettings';
import { rejectReason } from '../../../../daemon/cache/semanticGuards';
import { loadPairs, ratesAt, scorePairs } from './pairEval';

describe('false-hit guards', () => {
  it.each([
    ['Is Python a compiled language?', 'Is Python not a compiled language?', 'negation'],
    ["Why does my code work?", "Why doesn't my code work?", 'negation'],
    ['What is 17 times 23?', 'What is 17 times 24?', 'numbers'],
    ['Rename "count" to "total"', 'Rename "count" to "sum"', 'quoted strings'],
    ['Explain what parseConfig does', 'Explain what loadConfig does', 'code identifiers'],
    ['What does get_user do?', 'What does get_users do?', 'code identifiers'],
    ['Why does fetchData() throw?', 'Why does fetchUser() throw?', 'code identifiers'],
    ['How do I use os.path.join?', 'How do I use os.path.split?', 'code identifiers'],
    ['List the files in src/', 'List the files in test/', 'file names or paths'],
    ['Open src/app.ts', 'Open src/main.ts', 'file names or paths'],
    ['How do I sort ascending', 'how do I sort descending', 'direction words'],
    ['What happens before startup?', 'What happens after startup?', 'direction words'],
    ['Convert a string to an int', 'Convert an int to a string', 'what "to" refers to'],
    ['List files in src', 'List files in test', 'different content words'],
  ])('%s / %s → %s', (a, b, reason) => {
    expect(rejectReason(a, b)).toBe(reason);
  });

  it.each([
    ['How do I reverse a string in Python?', 'how can I reverse a string in python'],
    ['What are the benefits of TypeScript?', 'what are the benefits of typescript'],
    ['How do I remove duplicates from a list?', 'How do I delete duplicates from a list?'],
  ])('lets a rewording through: %s / %s', (a, b) => {
    expect(rejectReason(a, b)).toBeNull();
  });
});

describe('the labelled pair set (lexical embedder, default threshold)', () => {
  const pairs = loadPairs();
  const scores = scorePairs(pairs);
  const threshold = thresholdFor(defaultCacheSettings().semantic, 'ask');

  it('has at least 60 pairs with both paraphrases and hard negatives', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    expect(pairs.filter((p) => p.same).length).toBeGreaterThanOrEqual(25);
    expect(pairs.filter((p) => !p.same).length).toBeGreaterThanOrEqual(35);
  });

  it('wrong hits at most 1%, at the default threshold', () => {
    const r = ratesAt(scores, threshold);
    const wrong = scores.filter((s) => !s.pair.same && s.similarity >= threshold && s.rejected === null).map((s) => `${s.pair.a} / ${s.pair.b}`);
    expect(wrong).toEqual([]);
    expect(r.wrongHitRate).toBeLessThanOrEqual(0.01);
  });

  it('hits most rewordings (lexical recall is limited to prompts that keep their words)', () => {
    expect(ratesAt(scores, threshold).hitRate).toBeGreaterThanOrEqual(0.75);
  });

  it('without the guards, the embedder alone would give wrong hits: the guards earn their place', () => {
    expect(ratesAt(scores, 0.9, false).wrongHits).toBeGreaterThan(0);
  });
});
