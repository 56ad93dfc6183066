import { describe, expect, it } from 'vitest';
import { AdapterPool } from '../../../../daemon/gateway/adapterPool';

const spec = (apiKey: string, id: 'openai' | 'anthropic' = 'openai') => ({
  id,
  baseURL: 'http://127.0.0.1:9/v1',
  apiKey,
  connectTimeoutMs: 5000,
});

describe('AdapterPool', () => {
  it('gives the same adapter for the same key, a new one for a rotated key, and the first again when it returns', () => {
    const pool = new AdapterPool();
    const a = pool.get(spec('sk-fake-aaaa'));
    expect(pool.get(spec('sk-fake-aaaa'))).toBe(a);
    const b = pool.get(spec('sk-fake-bbbb'));
    expect(b).not.toBe(a);
    expect(pool.get(spec('sk-fake-aaaa'))).toBe(a);
    expect(pool.get(spec('sk-fake-bbbb'))).toBe(b);
  });

  it('keeps providers apart when they share a key', () => {
    const pool = new AdapterPool();
    const openai = pool.get(spec('sk-fake-shared', 'openai'));
    const anthropic = pool.get(spec('sk-fake-shared', 'anthropic'));
    expect(anthropic).not.toBe(openai);
    expect(pool.get(spec('sk-fake-shared', 'openai'))).toBe(openai);
  });
});
