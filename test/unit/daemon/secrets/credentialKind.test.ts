import { describe, expect, it } from 'vitest';
import { ambientCredentialsHelp, ambientSecrets, keyRequired } from '../../../../daemon/secrets/credentialKind';
import { resolveKey } from '../../../../daemon/secrets/keySource';

describe('how each provider authenticates', () => {
  it("a key is required for the makers' APIs and Azure, not for Bedrock, Vertex AI or local servers", () => {
    expect(['anthropic', 'openai', 'gemini', 'azureOpenai'].every((p) => keyRequired(p as 'anthropic'))).toBe(true);
    expect(
      ['anthropicBedrock', 'anthropicVertex', 'geminiVertex', 'openaiCompatible'].some((p) =>
        keyRequired(p as 'anthropic'),
      ),
    ).toBe(false);
    expect(resolveKey('anthropicVertex', {}).source).toBe('not-required');
    expect(resolveKey('azureOpenai', {}).source).toBe('none');
    expect(resolveKey('azureOpenai', { AZURE_OPENAI_API_KEY: 'k' })).toEqual({ key: 'k', source: 'env' });
    expect(resolveKey('anthropicBedrock', { AWS_BEARER_TOKEN_BEDROCK: 'b' })).toEqual({ key: 'b', source: 'env' });
  });

  it('only the Vertex providers refuse a stored key, with what to do instead', () => {
    expect(ambientCredentialsHelp('geminiVertex')).toMatch(/gcloud auth application-default login/);
    expect(ambientCredentialsHelp('anthropicBedrock')).toBeUndefined();
  });

  it('the AWS secrets in the environment are known to the redactor, and nothing else is', () => {
    expect(
      ambientSecrets({
        AWS_SECRET_ACCESS_KEY: ' s3cret ',
        AWS_SESSION_TOKEN: 'tok',
        AWS_ACCESS_KEY_ID: 'AKIA',
        HOME: '/h',
      }),
    ).toEqual(['s3cret', 'tok']);
    expect(ambientSecrets({ AWS_SESSION_TOKEN: '' })).toEqual([]);
  });
});
