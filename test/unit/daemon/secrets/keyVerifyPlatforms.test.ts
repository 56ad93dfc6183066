import { describe, expect, it } from 'vitest';
import { verifyKey } from '../../../../daemon/secrets/keyVerify';
import { useFakeProvider } from '../../../fakes/useFakeProvider';

const redact = (s: string) => s;
const env = useFakeProvider();

describe('conduit key set --verify for the cloud platforms', () => {
  it('Azure: lists the models with the key at the endpoint; a refused key is reported, not stored', async () => {
    const key = 'azure-verify-FAKE-0000000000000000';
    // Only Azure's /openai/models route answers 200, and only with the key in api-key.
    expect(await verifyKey('azureOpenai', key, env.fake.baseURL('azure'), redact)).toMatchObject({ ok: true });
    env.fake.rejectKey(key);
    const refused = await verifyKey('azureOpenai', key, env.fake.baseURL('azure'), redact);
    expect(refused).toMatchObject({ ok: false });
    expect(refused.message).toMatch(/refused the key \(HTTP 401\)/);
  });

  it('Bedrock and Vertex AI cannot verify in advance, and say so', async () => {
    for (const provider of ['anthropicBedrock', 'anthropicVertex', 'geminiVertex'] as const) {
      const r = await verifyKey(provider, 'anything', env.fake.url, redact);
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/cannot be verified in advance/);
    }
    expect(env.fake.requests).toHaveLength(0);
  });
});
