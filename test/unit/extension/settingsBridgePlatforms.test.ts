import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../daemon/config/config';
import { configWithSettings } from '../../../daemon/server/handlers/configHandlers';
import { settingFor, settingsToDaemonConfig } from '../../../extension/settingsBridge';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('settings bridge: conduit.platforms', () => {
  it('maps region, project, location, apiVersion and deployments onto providers.<id>, which the daemon accepts', () => {
    const { settings, problems } = settingsToDaemonConfig(
      reader({
        provider: 'anthropicVertex',
        platforms: {
          anthropicBedrock: { region: 'eu-west-1' },
          anthropicVertex: { project: 'my-proj', location: 'us-east5' },
          azureOpenai: { apiVersion: '2024-10-21', deployments: { 'gpt-5.4-mini': 'team-mini' } },
        },
        baseUrls: { azureOpenai: 'https://res.openai.azure.com' },
      }),
    );
    expect(problems).toEqual([]);
    expect(settings.providers).toEqual({
      anthropicBedrock: { region: 'eu-west-1' },
      anthropicVertex: { project: 'my-proj', location: 'us-east5' },
      azureOpenai: {
        apiVersion: '2024-10-21',
        deployments: { 'gpt-5.4-mini': 'team-mini' },
        baseURL: 'https://res.openai.azure.com',
      },
    });
    const applied = configWithSettings(configSchema.parse({}), settings);
    expect(applied.problems).toEqual([]);
    expect(applied.config?.providers.anthropicVertex.project).toBe('my-proj');
  });

  it('never sends a credential put in the platform settings, and says why', () => {
    const { settings, problems } = settingsToDaemonConfig(
      reader({ platforms: { azureOpenai: { apiKey: 'secret-value-123', apiVersion: '2024-10-21' } } }),
    );
    expect(JSON.stringify(settings)).not.toContain('secret-value-123');
    expect(problems).toEqual([
      expect.stringMatching(/^conduit\.platforms\.azureOpenai\.apiKey: not a platform setting/),
    ]);
    expect(problems[0]).not.toContain('secret-value-123');
  });

  it('names conduit.platforms for a daemon problem with a platform field', () => {
    expect(settingFor('providers.anthropicVertex.location: Too small')).toBe('conduit.platforms.anthropicVertex');
    expect(settingFor('providers.azureOpenai.baseURL: Invalid url')).toBe('conduit.baseUrls.azureOpenai');
  });
});
