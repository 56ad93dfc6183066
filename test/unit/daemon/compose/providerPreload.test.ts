import { describe, expect, it } from 'vitest';
import { routedProvider, takeStartProvider } from '../../../../daemon/compose/providerPreload';
import { configSchema } from '../../../../daemon/config/config';
import { START_PROVIDER_ENV } from '../../../../daemon/server/startSignal';

describe('takeStartProvider', () => {
  it('takes a provider id out of the environment, so nothing the daemon starts inherits it', () => {
    const env: NodeJS.ProcessEnv = { [START_PROVIDER_ENV]: 'anthropic' };
    expect(takeStartProvider(env)).toBe('anthropic');
    expect(env[START_PROVIDER_ENV]).toBeUndefined();
    expect(takeStartProvider(env)).toBeUndefined();
  });

  it('takes anything that is not a provider id for no hint', () => {
    for (const value of ['', 'OpenAI', 'openai ', '../openai', 'constructor']) {
      const env: NodeJS.ProcessEnv = { [START_PROVIDER_ENV]: value };
      expect(takeStartProvider(env)).toBeUndefined();
      expect(env[START_PROVIDER_ENV]).toBeUndefined();
    }
  });

  it('takes `routed` (a request that names no provider is waiting) as such, once', () => {
    const env: NodeJS.ProcessEnv = { [START_PROVIDER_ENV]: 'routed' };
    expect(takeStartProvider(env)).toBe('routed');
    expect(env[START_PROVIDER_ENV]).toBeUndefined();
  });
});

describe('routedProvider', () => {
  it("is the ask feature's provider when routing names one, else the configured provider", () => {
    expect(routedProvider(configSchema.parse({ provider: 'gemini' }))).toBe('gemini');
    const byFeature = { provider: 'anthropic', routing: { byFeature: { ask: { provider: 'openai' } } } };
    expect(routedProvider(configSchema.parse(byFeature))).toBe('openai');
    expect(routedProvider(configSchema.parse(byFeature), 'review')).toBe('anthropic');
  });
});
