import { describe, expect, it } from 'vitest';
import { exactKey, normalizeText, semanticScope, semanticText } from '../../../../daemon/cache/cacheKey';
import { req } from './helpers';

describe('cache keys', () => {
  it('normalizes only line endings, trailing spaces and surrounding blank lines', () => {
    expect(normalizeText('\n  how   do I\r\n\tsort  \r\n\r\n')).toBe('  how   do I\n\tsort');
    expect(exactKey(req('How do I sort?'))).toBe(exactKey(req('How do I sort?  \n')));
    expect(exactKey(req('x', { system: 'be brief\r\nand exact' }))).toBe(
      exactKey(req('x', { system: 'be brief \nand exact' })),
    );
    expect(exactKey(req('How do I sort?'))).not.toBe(exactKey(req('How  do I sort?')));
  });

  it('keeps Python indentation in the key: a statement inside the loop is another program', () => {
    const inside = 'What does this print?\n```python\nfor i in range(3):\n    x = i\n    print(x)\n```';
    const outside = 'What does this print?\n```python\nfor i in range(3):\n    x = i\nprint(x)\n```';
    expect(exactKey(req(inside))).not.toBe(exactKey(req(outside)));
    expect(semanticText(req(inside))).not.toBe(semanticText(req(outside)));
  });

  it('keeps YAML nesting in the key: a key one level deeper is another document', () => {
    const nested = 'Is this valid?\nservices:\n  web:\n    image: nginx\n    ports:\n      - "80:80"';
    const flat = 'Is this valid?\nservices:\n  web:\n    image: nginx\n  ports:\n    - "80:80"';
    expect(exactKey(req(nested))).not.toBe(exactKey(req(flat)));
  });

  it('keeps whitespace inside string literals', () => {
    expect(exactKey(req('Why is `"a  b".split(" ")` three items?'))).not.toBe(
      exactKey(req('Why is `"a b".split(" ")` three items?')),
    );
  });

  it('treats CRLF against LF and trailing spaces as the same code', () => {
    const lf = 'Fix this:\n```python\ndef f(x):\n    return x + 1\n```';
    const crlf = 'Fix this:\r\n```python\r\ndef f(x):   \r\n    return x + 1\t\r\n```\r\n';
    const cr = 'Fix this:\r```python\rdef f(x):\r    return x + 1\r```';
    expect(exactKey(req(crlf))).toBe(exactKey(req(lf)));
    expect(exactKey(req(cr))).toBe(exactKey(req(lf)));
    expect(semanticText(req(crlf))).toBe(semanticText(req(lf)));
    const yamlLf = 'on:\n  push:\n    branches: [main]';
    expect(exactKey(req('on:  \r\n  push:\r\n    branches: [main]  '))).toBe(exactKey(req(yamlLf)));
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
    const twoTurns = req('x', {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'a' },
      ],
    });
    expect(semanticScope(twoTurns)).not.toBe(semanticScope(req('a')));
    expect(semanticText(twoTurns)).toBe('a');
  });
});
