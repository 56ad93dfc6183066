import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../protocol';
import { guardInput } from '../../../../daemon/guard/inputGuard';

const opts = { maxPromptChars: 100 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ConduitError ? err.code : 'not-conduit';
  }
  return undefined;
}

describe('guardInput', () => {
  it('accepts a well-formed request and strips control characters and lone surrogates', () => {
    const r = guardInput(
      { messages: [{ role: 'user', content: 'hi\u0000 there\u0007\t\n\ud800' }], system: 'be\u0001 brief' },
      opts,
    );
    expect(r.messages[0]?.content).toBe('hi there\t\n\ufffd');
    expect(r.system).toBe('be brief');
  });

  it('refuses malformed requests with bad_request', () => {
    expect(codeOf(() => guardInput(null, opts))).toBe('bad_request');
    expect(codeOf(() => guardInput({ messages: [] }, opts))).toBe('bad_request');
    expect(codeOf(() => guardInput({ messages: [{ role: 'user', content: 42 }] }, opts))).toBe('bad_request');
    expect(codeOf(() => guardInput({ messages: [{ role: 'user', content: 'x' }], sneaky: 1 }, opts))).toBe(
      'bad_request',
    );
    expect(codeOf(() => guardInput({ messages: [{ role: 'assistant', content: 'x' }] }, opts))).toBe('bad_request');
  });

  it('refuses a tool whose input schema is not an object, saying why (every provider would answer 400)', () => {
    const tools = [{ name: 'list', inputSchema: { type: 'array', items: { type: 'string' } } }];
    let message = '';
    try {
      guardInput({ messages: [{ role: 'user', content: 'x' }], tools }, opts);
    } catch (err) {
      message = err instanceof Error ? err.message : '';
    }
    expect(message).toContain('inputSchema must describe an object');
    expect(
      codeOf(() =>
        guardInput(
          { messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'ok', inputSchema: { properties: {} } }] },
          opts,
        ),
      ),
    ).toBeUndefined();
  });

  it('refuses an oversized prompt with the limit in the message', () => {
    try {
      guardInput({ messages: [{ role: 'user', content: 'x'.repeat(90) }], system: 'y'.repeat(20) }, opts);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConduitError);
      expect((err as ConduitError).code).toBe('too_large');
      expect((err as ConduitError).message).toMatch(/110 characters; the limit is 100/);
    }
  });
});
