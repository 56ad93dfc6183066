import { describe, expect, it } from 'vitest';
import { exactKey, normalizeText, semanticScope, semanticText } from '../../../../daemon/cache/cacheKey';
import { req } from './helpers';

describe('cache keys', () => {
  it('treats whitespace-only differences as the same request', () => {
    expect(normalizeText('  how   do I\n\tsort  ')).toBe('how do I sort');
    expect(exactKey(req('How do I sort?'))).toBe(exactKey(req('  How  do\nI   sort? ')));
    expect(exactKey(req('x', { system: 'be brief ' }))).toBe(exactKey(req('x', { system: ' be  brief' })));
  });

  it('is a sha256 that changes with anything that changes the answer', () => {
    const base = exactKey(req('How do I sort?'));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const variants = [
      req('How do I sort!'),
      req('how do I sort?'),
      req('How do I sort?', { provider: 'anthropic' }),
      req('How do I sort?', { model: 'gpt-5.4' }),
      req('How do I sort?', { system: 'Be brief.' }),
      req('How do I sort?', { temperature: 0.5 }),
      req('How do I sort?', { maxTokens: 512 }),
      req('How do I sort?', { responseFormat: 'json' }),
      req('How do I sort?', { messages: [{ role: 'assistant', content: 'How do I sort?' }] }),
    ];
    for (const v of variants) expect(exactKey(v)).not.toBe(base);
    const noTemperature = req('How do I sort?');
    delete noTemperature.temperature;
    expect(exactKey(noTemperature)).not.toBe(base);
  });

  it('scopes semantic matches by model, system prompt, parameters and earlier turns, not by the last message', () => {
    expect(semanticScope(req('a'))).toBe(semanticScope(req('b')));
    expect(semanticScope(req('a', { model: 'other' }))).not.toBe(semanticScope(req('a')));
    expect(semanticScope(req('a', { system: 's' }))).not.toBe(semanticScope(req('a')));
    expect(semanticScope(req('a', { temperature: 1 }))).not.toBe(semanticScope(req('a')));
    expect(semanticScope(req('a', { maxTokens: 1 }))).not.toBe(semanticScope(req('a')));
    const twoTurns = req('x', { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'a' }] });
    expect(semanticScope(twoTurns)).not.toBe(semanticScope(req('a')));
    expect(semanticText(twoTurns)).toBe('a');
  });
});
