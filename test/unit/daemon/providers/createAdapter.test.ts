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

  it.each(['anthropicVertex', 'geminiVertex'] as const)(
    'refuses %s without a project at once, sending nothing',
    (id) => {
      expect(() => createAdapter(id, { apiKey: '', baseURL: 'http://127.0.0.1:9' })).toThrow(
        `No Google Cloud project is set for ${id}`,
      );
    },
  );

  it('refuses Azure OpenAI without an endpoint at once', () => {
    expect(() => createAdapter('azureOpenai', { apiKey: 'k', baseURL: '/' })).toThrow('No Azure OpenAI endpoint');
  });
});
