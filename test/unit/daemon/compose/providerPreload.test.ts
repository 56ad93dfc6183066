import { describe, expect, it } from 'vitest';
import { takeStartProvider } from '../../../../daemon/compose/providerPreload';
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
});
