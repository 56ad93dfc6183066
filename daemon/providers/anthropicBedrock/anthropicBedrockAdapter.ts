import { createCredentialChain, fromEnv, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { AnthropicAdapter } from '../anthropic/anthropicAdapter';
import { stainlessClientOptions } from '../sdkClientOptions';
import type { ProviderConfig } from '../types';
import { bedrockError } from './bedrockError';

/**
 * Claude on Amazon Bedrock through @anthropic-ai/bedrock-sdk: the same Messages request, stream,
 * usage and error mapping as Anthropic's own API. A stored Bedrock API key is sent as a bearer
 * token; without one the SDK signs each request (SigV4) with the AWS credential chain.
 */
export function createAnthropicBedrockAdapter(cfg: ProviderConfig): AnthropicAdapter {
  const client = async () => {
    const { AnthropicBedrock } = await import('@anthropic-ai/bedrock-sdk');
    return new AnthropicBedrock({
      awsRegion: cfg.platform?.region ?? 'us-east-1',
      baseURL: cfg.baseURL,
      // null, not undefined: the SDK would otherwise read AWS_BEARER_TOKEN_BEDROCK by itself.
      apiKey: cfg.apiKey || null,
      // The SDK's own resolver require()s the AWS chain at call time, which the daemon's split
      // ESM bundle cannot serve; this module is itself loaded on first use, so a static import
      // costs nothing at start. Same chain as the SDK's default: environment first.
      providerChainResolver: () => Promise.resolve(createCredentialChain(fromEnv(), fromNodeProviderChain())),
      ...stainlessClientOptions(cfg),
    });
  };
  return new AnthropicAdapter(cfg, { id: 'anthropicBedrock', client, refineError: bedrockError });
}
