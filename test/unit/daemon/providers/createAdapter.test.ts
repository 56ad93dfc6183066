import { describe, expect, it } from 'vitest';
import { ProviderIds } from '../../../../protocol';
import { createAdapter } from '../../../../daemon/providers/createAdapter';

describe('createAdapter', () => {
  it.each(ProviderIds)('builds the %s adapter', (id) => {
    // Vertex AI needs its project; every setting a platform takes is given, as config.ts would.
    const platform = { project: 'p', location: 'global', region: 'us-east-1' };
    expect(createAdapter(id, { apiKey: 'k', baseURL: 'http://127.0.0.1:9', platform }).id).toBe(id);
  });

  it('builds an OpenAI-compatible adapter without a key', () => {
    expect(() => createAdapter('openaiCompatible', { apiKey: '', baseURL: 'http://127.0.0.1:9/v1' })).not.toThrow();
  });
});
