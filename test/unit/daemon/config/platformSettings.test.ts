import { describe, expect, it } from 'vitest';
import { configSchema, resolveProvider } from '../../../../daemon/config/config';

const parse = (providers: unknown) => configSchema.parse({ providers });

describe('cloud platform settings', () => {
  it('Bedrock: the region from settings wins over AWS_REGION, and sets the default endpoint', () => {
    const cfg = parse({ anthropicBedrock: { region: 'eu-central-1' } });
    expect(resolveProvider(cfg, 'anthropicBedrock', { AWS_REGION: 'us-west-2' })).toMatchObject({
      baseURL: 'https://bedrock-runtime.eu-central-1.amazonaws.com',
      platform: { region: 'eu-central-1' },
      model: 'global.anthropic.claude-sonnet-5-5',
    });
    expect(resolveProvider(parse({}), 'anthropicBedrock', { AWS_REGION: 'us-west-2' }).platform).toEqual({
      region: 'us-west-2',
    });
    expect(resolveProvider(parse({}), 'anthropicBedrock', {}).baseURL).toBe(
      'https://bedrock-runtime.us-east-1.amazonaws.com',
    );
  });

  it('Vertex AI: project and location from settings or GOOGLE_CLOUD_*, the global endpoint by default', () => {
    expect(
      resolveProvider(parse({ anthropicVertex: { project: 'p1', location: 'us-east5' } }), 'anthropicVertex', {}),
    ).toMatchObject({
      baseURL: 'https://us-east5-aiplatform.googleapis.com/v1',
      platform: { project: 'p1', location: 'us-east5' },
      model: 'claude-sonnet-5-5',
    });
    expect(resolveProvider(parse({}), 'geminiVertex', { GOOGLE_CLOUD_PROJECT: 'p2' })).toMatchObject({
      baseURL: 'https://aiplatform.googleapis.com',
      platform: { project: 'p2', location: 'global', apiVersion: 'v1' },
      model: 'gemini-3.8-flash',
    });
    expect(
      resolveProvider(parse({}), 'anthropicVertex', { ANTHROPIC_VERTEX_PROJECT_ID: 'p3', CLOUD_ML_REGION: 'eu' })
        .baseURL,
    ).toBe('https://aiplatform.eu.rep.googleapis.com/v1');
  });

  it('Azure: the endpoint from settings or AZURE_OPENAI_ENDPOINT, the GA api-version, deployments per model', () => {
    const cfg = parse({
      azureOpenai: { baseURL: 'https://res.openai.azure.com', deployments: { 'gpt-5.4-mini': 'mini-prod' } },
    });
    expect(resolveProvider(cfg, 'azureOpenai', {})).toMatchObject({
      baseURL: 'https://res.openai.azure.com',
      platform: { apiVersion: '2024-10-21', deployments: { 'gpt-5.4-mini': 'mini-prod' } },
      model: 'gpt-5.4-mini',
    });
    expect(
      resolveProvider(parse({}), 'azureOpenai', { AZURE_OPENAI_ENDPOINT: 'https://other.openai.azure.com' }).baseURL,
    ).toBe('https://other.openai.azure.com');
    // No endpoint at all: empty, and the adapter refuses with a message naming the setting.
    expect(resolveProvider(parse({}), 'azureOpenai', {}).baseURL).toBe('');
  });

  it("the SDKs' own base-URL variables point a platform elsewhere (tests, proxies)", () => {
    expect(
      resolveProvider(parse({}), 'anthropicBedrock', { ANTHROPIC_BEDROCK_BASE_URL: 'http://127.0.0.1:1' }).baseURL,
    ).toBe('http://127.0.0.1:1');
    expect(resolveProvider(parse({}), 'geminiVertex', { GOOGLE_VERTEX_BASE_URL: 'http://127.0.0.1:2' }).baseURL).toBe(
      'http://127.0.0.1:2',
    );
  });

  it.each([
    ['anthropicBedrock', { awsSecretAccessKey: 'x' }],
    ['anthropicVertex', { credentials: { private_key: 'x' } }],
    ['azureOpenai', { apiKey: 'x' }],
    ['openai', { region: 'us-east-1' }],
  ])('%s refuses a field it does not take (credentials never live in settings)', (id, fields) => {
    expect(configSchema.safeParse({ providers: { [id]: fields } }).success).toBe(false);
  });
});
