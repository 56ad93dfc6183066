import { AzureOpenAI } from 'openai';
import { OpenAIChatAdapter } from '../openai/openaiChatAdapter';
import { AZURE_DEFAULT_API_VERSION } from './azureApiVersion';
import { requireAzureEndpoint } from '../requiredSettings';
import { stainlessClientOptions } from '../sdkClientOptions';
import type { ProviderAdapter, ProviderConfig, ProviderRequest } from '../types';

/**
 * The deployment that serves a model: the configured one, else a deployment named after the
 * model (what the Azure portal suggests). Conduit's model ids stay OpenAI's, so prices, tiers and
 * fallbacks work unchanged; only the wire carries the deployment name.
 */
export function deploymentFor(model: string, deployments: Record<string, string> | undefined): string {
  return deployments?.[model] ?? model;
}

/**
 * Azure OpenAI through the openai SDK's AzureOpenAI client:
 * {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…, with the key in the
 * `api-key` header. Requests, streams, usage and errors map exactly as OpenAI's.
 */
export function createAzureOpenAIAdapter(cfg: ProviderConfig): ProviderAdapter {
  const endpoint = requireAzureEndpoint(cfg);
  const client = new AzureOpenAI({
    apiKey: cfg.apiKey,
    // Never the SDK's fallback to OPENAI_API_VERSION, which may be set for something else.
    apiVersion: cfg.platform?.apiVersion ?? AZURE_DEFAULT_API_VERSION,
    // A baseURL, not `endpoint`: the SDK would otherwise also read OPENAI_BASE_URL, meant for OpenAI.
    baseURL: `${endpoint}/openai`,
    ...stainlessClientOptions(cfg),
    // OPENAI_ORG_ID and friends in the daemon's environment are OpenAI's, never Azure's.
    organization: null,
    project: null,
    adminAPIKey: null,
  });
  const inner = new OpenAIChatAdapter(
    cfg,
    { id: 'azureOpenai', maxTokensField: 'max_completion_tokens', requireUsageChunk: true },
    client,
  );
  const deployments = cfg.platform?.deployments;
  const onDeployment = (req: ProviderRequest): ProviderRequest => ({
    ...req,
    model: deploymentFor(req.model, deployments),
  });
  return {
    id: inner.id,
    chat: (req, signal) => inner.chat(onDeployment(req), signal),
    stream: (req, signal) => inner.stream(onDeployment(req), signal),
  };
}
