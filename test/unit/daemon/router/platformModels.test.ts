import { describe, expect, it } from 'vitest';
import { findModel } from '../../../../daemon/router/models';
import { costOf } from '../../../../daemon/usage/pricing';

const usage = {
  input_tokens: 1000,
  output_tokens: 100,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
};

describe("platform model ids priced as the model maker's", () => {
  it.each([
    ['anthropicBedrock', 'global.anthropic.claude-sonnet-5-5', 'claude-sonnet-5-5'],
    ['anthropicBedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['anthropicBedrock', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    [
      'anthropicBedrock',
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-5-5',
      'claude-opus-5-5',
    ],
    ['anthropicVertex', 'claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['anthropicVertex', 'claude-opus-5-5', 'claude-opus-5-5'],
    ['geminiVertex', 'publishers/google/models/gemini-3.8-flash', 'gemini-3.8-flash'],
    ['azureOpenai', 'gpt-5.4-mini', 'gpt-5.4-mini'],
  ])('%s %s is %s', (provider, id, catalogueId) => {
    expect(findModel(provider, id)?.id).toBe(catalogueId);
  });

  it('costs the same on Bedrock, Vertex AI and Anthropic, and an unknown platform model has no price', () => {
    const direct = costOf('anthropic', 'claude-sonnet-5-5', usage).usd;
    expect(direct).toBeGreaterThan(0);
    expect(costOf('anthropicBedrock', 'global.anthropic.claude-sonnet-5-5', usage).usd).toBe(direct);
    expect(costOf('anthropicVertex', 'claude-sonnet-5-5', usage).usd).toBe(direct);
    expect(costOf('azureOpenai', 'gpt-5.4-mini', usage).usd).toBe(costOf('openai', 'gpt-5.4-mini', usage).usd);
    expect(costOf('anthropicBedrock', 'meta.llama3-70b-instruct-v1:0', usage)).toMatchObject({
      usd: null,
      unknownPrice: true,
    });
  });
});
