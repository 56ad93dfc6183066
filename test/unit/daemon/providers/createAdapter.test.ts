import { describe, expect, it } from 'vitest';
import { ProviderIds } from '../../../../protocol';
import { createAdapter } from '../../../../daemon/providers/createAdapter';

describe('createAdapter', () => {
  it.each(ProviderIds)('builds the %s adapter', (id) => {
    expect(createAdapter(id, { apiKey: 'k', baseURL: 'http://127.0.0.1:9' }).id).toBe(id);
  });

  it('builds an OpenAI-compatible adapter without a key', () => {
    expect(() => createAdapter('openaiCompatible', { apiKey: '', baseURL: 'http://127.0.0.1:9/v1' })).not.toThrow();
  });
});
