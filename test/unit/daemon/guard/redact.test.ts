import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../../../daemon/guard/redact';

describe('Redactor', () => {
  const keys = [
    'sk-ant-api03-FAKEFAKEFAKEFAKEFAKE_canary-0001',
    'sk-proj-FAKEfakeFAKEfakeFAKEfake1234',
    'sk-FAKEfakeFAKEfakeFAKEfake5678',
    'AIzaSyFAKE-fake_FAKE-fake_FAKE00000',
  ];

  it.each(keys)('removes provider key patterns it was never told about: %s', (key) => {
    const out = new Redactor().text(`request failed with key ${key} at 12:00`);
    expect(out).not.toContain(key);
    expect(out).toContain(REDACTED);
    expect(out).toContain('at 12:00');
  });

  it('removes registered secrets that match no pattern', () => {
    const r = new Redactor();
    r.addSecret('test-key-not-a-pattern-42');
    expect(r.text('x test-key-not-a-pattern-42 y')).toBe(`x ${REDACTED} y`);
  });

  it('keeps the parameter name but drops the value of key= in URLs', () => {
    const out = new Redactor().text('GET https://g.example/v1beta/models/m:generateContent?alt=sse&key=abc123def456');
    expect(out).toBe(`GET https://g.example/v1beta/models/m:generateContent?alt=sse&key=${REDACTED}`);
  });

  it('blanks secret headers and secret-looking fields in structured values', () => {
    const r = new Redactor();
    const out = r.value({
      headers: { Authorization: 'Bearer abcdefghijkl', 'x-api-key': 'zzz', accept: 'json' },
      apiKey: 'short',
      nested: [{ token: 't' }],
    });
    expect(out).toEqual({
      headers: { Authorization: REDACTED, 'x-api-key': REDACTED, accept: 'json' },
      apiKey: REDACTED,
      nested: [{ token: REDACTED }],
    });
  });

  it('keeps counts, flags and nulls under secret-sounding names: token counts are no credentials', () => {
    const usage = { input_tokens: 1200, output_tokens: 80, cache_read_tokens: 0, reasoning_tokens: null };
    const out = new Redactor().value({ usage, tokenRejected: false, token: 'abc', max_tokens: '64' });
    expect(out).toEqual({ usage, tokenRejected: false, token: REDACTED, max_tokens: REDACTED });
  });

  it('leaves ordinary text alone', () => {
    const text = 'The sky is blue; sk is short for sketch; a task-list of 12 items.';
    expect(new Redactor().text(text)).toBe(text);
  });
});

describe('Redactor: other credential shapes from the scanner', () => {
  it('removes AWS, GitHub and Slack tokens and private-key blocks from log text', () => {
    const out = new Redactor().text(
      'keys AKIAFAKEFAKEFAKE0001 ghp_FAKE0000000000000000000000000000000000 xoxb-000000000000-000000000000-FAKEFAKEFAKEFAKE -----BEGIN PRIVATE KEY-----\nMIIFAKE\n-----END PRIVATE KEY----- end',
    );
    expect(out).toBe(`keys ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} end`);
  });
});
