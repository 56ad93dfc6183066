import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkJson, redactOutput, StreamRedactor, suspicions } from '../../../../daemon/guard/outputGuard';
import { findPii, luhnValid } from '../../../../daemon/guard/piiScanner';

describe('guard out: redaction', () => {
  it('removes secrets by default and leaves PII unless asked', () => {
    const text = 'Use sk-proj-FAKE1111111111111111111111111111 and mail ann@example.com';
    expect(redactOutput(text, { secrets: true, pii: false })).toEqual({
      text: 'Use [REDACTED:openai_key] and mail ann@example.com',
      redacted: [{ kind: 'openai_key', count: 1 }],
    });
    expect(redactOutput(text, { secrets: true, pii: true }).text).toBe(
      'Use [REDACTED:openai_key] and mail [REDACTED:email]',
    );
  });

  it('finds emails, phone numbers and Luhn-valid card numbers, not lookalikes', () => {
    const kinds = (t: string) => findPii(t).map((f) => f.kind);
    expect(kinds('call +44 20 7946 0958 or (555) 010-4477')).toEqual(['phone', 'phone']);
    expect(kinds('card 4111 1111 1111 1111 expires')).toEqual(['card_number']);
    expect(kinds('order 4111 1111 1111 1112 shipped')).toEqual([]);
    expect(kinds('released 2024-05-01, version 1.2.3, port 8080, id 12345')).toEqual([]);
    expect(luhnValid('79927398713')).toBe(true);
  });
});

describe('guard out: streamed chunks', () => {
  function stream(
    chunks: string[],
    policy = { secrets: true, pii: false },
  ): { out: string[]; counts: Map<string, number> } {
    const out: string[] = [];
    const r = new StreamRedactor(policy, (t) => void out.push(t));
    for (const c of chunks) void r.push(c);
    void r.flush();
    return { out, counts: r.counts };
  }

  it('never lets a key through, even split across chunks', () => {
    const key = 'sk-ant-api03-FAKEFAKEFAKEFAKE000000000000';
    const text = `Here is the key you pasted: ${key} - do not share it. And more text after that to flush.`;
    for (const size of [1, 3, 7, 16]) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      const { out, counts } = stream(chunks);
      const joined = out.join('');
      expect(joined).not.toContain('FAKEFAKE');
      expect(joined).toBe(redactOutput(text, { secrets: true, pii: false }).text);
      expect(counts.get('anthropic_key')).toBe(1);
    }
  });

  it('holds a private-key block until its end line arrives', () => {
    const block = '-----BEGIN RSA PRIVATE KEY-----\n' + 'MIIEFAKE\n'.repeat(30) + '-----END RSA PRIVATE KEY-----';
    const chunks = ['before\n', ...block.match(/[\s\S]{1,10}/g)!, '\nafter'];
    const { out } = stream(chunks);
    expect(out.join('')).toBe('before\n[REDACTED:private_key]\nafter');
  });

  it('never lets PII or a named secret through when split at every point', () => {
    const policy = { secrets: true, pii: true };
    const text =
      'Mail ada@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111.\nAPI_SECRET = hunter2hunter2hunter2 done';
    for (const size of [1, 2, 5, 9]) {
      const { out } = stream(text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!, policy);
      const joined = out.join('');
      expect(joined).toBe(redactOutput(text, policy).text);
      for (const leak of ['ada@example.com', '7946 0958', '4111 1111', 'hunter2']) expect(joined).not.toContain(leak);
    }
  });

  it('streams at once: only the tail that could still become a secret waits', () => {
    const out: string[] = [];
    const r = new StreamRedactor({ secrets: true, pii: false }, (t) => void out.push(t));
    void r.push('The answer is forty two, and the next word is ');
    expect(out.join('')).toBe('The answer is forty two, and the next word is ');
    void r.push('unfinish');
    expect(out.join('')).toBe('The answer is forty two, and the next word is ');
    void r.push('ed.');
    void r.flush();
    expect(out.join('')).toBe('The answer is forty two, and the next word is unfinished.');
  });

  it('passes chunks straight through when redaction is off', () => {
    expect(stream(['a', 'b'], { secrets: false, pii: false }).out).toEqual(['a', 'b']);
  });
});

describe('guard out: JSON and suspicion', () => {
  it('accepts JSON, also in a fence, and checks a schema', () => {
    expect(checkJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(checkJson('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(checkJson('Sure! {"a":1}')).toMatchObject({ ok: false, problem: expect.stringMatching(/not valid JSON/) });
    expect(checkJson('{"a":"x"}', z.object({ a: z.number() }))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/a: /),
    });
  });

  it('flags answers that held a secret or loop on themselves', () => {
    expect(suspicions('fine', [])).toEqual([]);
    expect(suspicions('x', [{ kind: 'aws_access_key', count: 1 }])).toEqual(['secret_in_output']);
    expect(suspicions('x', [{ kind: 'email', count: 1 }])).toEqual([]);
    expect(suspicions('all work and no play. '.repeat(400), [])).toEqual(['repetitive_output']);
  });
});
