import type { ProviderId } from '../../protocol';
import type { CatalogueProvider } from './catalogueTypes';

/**
 * Cloud platforms serve the catalogue's models under their own ids; prices are the model
 * maker's list prices (Bedrock and Vertex AI bill Claude and Gemini at them in their standard
 * regions, Azure OpenAI's global deployments bill OpenAI's). Regional or provisioned pricing
 * differs: set `prices` for those.
 */
const SERVES: Partial<Record<ProviderId, CatalogueProvider>> = {
  anthropicBedrock: 'anthropic',
  anthropicVertex: 'anthropic',
  geminiVertex: 'gemini',
  azureOpenai: 'openai',
};

/** The catalogue whose models a platform serves; undefined for the others. */
export function servedCatalogue(provider: ProviderId | string): CatalogueProvider | undefined {
  return SERVES[provider as ProviderId];
}

/** Bedrock's cross-region inference profiles prefix the model id with a geography. */
const BEDROCK_GEOGRAPHY = /^(?:global|us|us-gov|eu|apac|jp|au|ca)\./;

/**
 * The catalogue id a platform's model id names:
 * - Bedrock: `global.anthropic.claude-sonnet-5-5`, `anthropic.claude-sonnet-4-5-20250929-v1:0`,
 *   or an inference-profile ARN ending in one of them;
 * - Vertex AI: `claude-sonnet-4-5@20250929` (the date is a snapshot), or a resource path ending
 *   in `models/<id>`;
 * - Azure: the OpenAI model id itself (deployments are mapped apart, see azureOpenaiAdapter.ts).
 */
export function catalogueId(provider: ProviderId | string, id: string): string {
  let s = id.trim();
  if (provider === 'anthropicBedrock') {
    s = s
      .slice(s.lastIndexOf('/') + 1)
      .replace(BEDROCK_GEOGRAPHY, '')
      .replace(/^anthropic\./, '')
      .replace(/-v\d+(?::\d+)?$/, '');
  } else if (provider === 'anthropicVertex' || provider === 'geminiVertex') {
    s = s.slice(s.lastIndexOf('/') + 1).replace('@', '-');
  }
  return s;
}

/** The id a platform takes for a catalogue model, for the default tier models. */
export function platformModelId(provider: ProviderId | string, catalogueModel: string): string {
  // Current Claude models are served on Bedrock through the global inference profile.
  return provider === 'anthropicBedrock' ? `global.anthropic.${catalogueModel}` : catalogueModel;
}
