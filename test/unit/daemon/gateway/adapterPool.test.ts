import { describe, expect, it } from 'vitest';
import { AdapterPool, MAX_ADAPTERS } from '../../../../daemon/gateway/adapterPool';

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

describe('AdapterPool bound', () => {
  it('keeps at most MAX_ADAPTERS clients, however many keys come and go, and the one in use', () => {
    const pool = new AdapterPool();
    const used = pool.get(spec('sk-fake-in-use'));
    for (let i = 0; i < MAX_ADAPTERS * 3; i++) {
      pool.get(spec(`sk-fake-rotated-${i}`));
      if (i % 8 === 0) expect(pool.get(spec('sk-fake-in-use'))).toBe(used);
    }
    expect((pool as unknown as { adapters: { size: number } }).adapters.size).toBe(MAX_ADAPTERS);
    expect(pool.get(spec('sk-fake-in-use'))).toBe(used);
  });
});
