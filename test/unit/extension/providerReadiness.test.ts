import { describe, expect, it } from 'vitest';
import { providerReadiness } from '../../../extension/providerReadiness';
import { ProviderIds, type ProviderStatus } from '../../../protocol';

const p = (id: ProviderStatus['id'], keySource: ProviderStatus['keySource']): ProviderStatus => ({
  id,
  keySource,
  baseURL: 'http://127.0.0.1:1',
  defaultModel: 'm',
});

describe('providerReadiness', () => {
  it('lists providers with a key (or needing none) first and the rest as not set up, in the usual order', () => {
    const r = providerReadiness({
      providers: [
        p('anthropic', 'none'),
        p('openai', 'env'),
        p('gemini', 'keychain'),
        p('openaiCompatible', 'not-required'),
      ],
    });
    expect(r.usable).toEqual(['openai', 'gemini', 'openaiCompatible']);
    // A provider the daemon did not report has no key either.
    expect(r.notSetUp).toEqual(['anthropic', 'anthropicBedrock', 'anthropicVertex', 'geminiVertex', 'azureOpenai']);
  });

  it('counts every provider as usable when the daemon did not answer', () => {
    expect(providerReadiness(undefined)).toEqual({ usable: [...ProviderIds], notSetUp: [] });
  });
});
