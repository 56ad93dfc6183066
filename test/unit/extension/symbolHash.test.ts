import { describe, expect, it } from 'vitest';
import { ExplanationCache, isStale, normalizeCode, symbolHash } from '../../../extension/symbolHash';

const fn = 'function add(a, b) {\n  return a + b;\n}';

describe('symbolHash and the staleness rule', () => {
  it('is the same for the same code', () => {
    expect(symbolHash(fn, 'javascript')).toBe(symbolHash(fn, 'javascript'));
    expect(symbolHash(fn)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores what cannot change meaning: line endings, trailing spaces, surrounding blank lines, block indentation', () => {
    const same = [
      fn.replace(/\n/g, '\r\n'),
      fn.replace(/\{$/m, '{   '),
      `\n\n${fn}\n\n`,
      fn
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    ];
    for (const variant of same) expect(isStale(symbolHash(fn, 'js'), variant, 'js')).toBe(false);
  });

  it('marks the explanation stale on any real change', () => {
    const h = symbolHash(fn, 'js');
    expect(isStale(h, fn.replace('a + b', 'a - b'), 'js')).toBe(true);
    expect(isStale(h, fn.replace('add', 'sum'), 'js')).toBe(true);
    expect(isStale(h, fn.replace('  return', '    return'), 'js')).toBe(true); // inner indentation matters (Python)
    expect(isStale(h, '', 'js')).toBe(true);
  });

  it('files the same text under another language separately', () => {
    expect(symbolHash(fn, 'javascript')).not.toBe(symbolHash(fn, 'typescript'));
  });

  it('normalizes only the common indentation', () => {
    expect(normalizeCode('    a\n      b\n    c')).toBe('a\n  b\nc');
  });
});

describe('ExplanationCache', () => {
  it('finds an explanation by the code it explained, even after a whitespace-only edit', () => {
    const cache = new ExplanationCache();
    cache.set({ hash: symbolHash(fn, 'js'), text: 'Adds.', model: 'anthropic/m', requestId: 'r1', createdAt: 1 });
    expect(
      cache.get(
        `\n${fn
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\r\n')}\n`,
        'js',
      )?.text,
    ).toBe('Adds.');
    expect(cache.get(fn.replace('+', '*'), 'js')).toBeUndefined();
  });

  it('keeps the most recently used entries', () => {
    const cache = new ExplanationCache(2);
    for (const code of ['a()', 'b()', 'c()'])
      cache.set({ hash: symbolHash(code), text: code, model: 'm', requestId: code, createdAt: 0 });
    expect(cache.size).toBe(2);
    expect(cache.get('a()')).toBeUndefined();
    expect(cache.get('c()')?.text).toBe('c()');
  });
});
