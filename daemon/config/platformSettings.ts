import { z } from 'zod';
import type { ProviderId } from '../../protocol';
import { AZURE_DEFAULT_API_VERSION } from '../providers/azureOpenai/azureApiVersion';
import type { PlatformSettings } from '../providers/types';

/**
 * The settings of the cloud platforms that serve Anthropic, Gemini and OpenAI models: where the
 * model runs, never credentials. Credentials come from each platform's own chain: the AWS chain
 * (environment, profile, SSO, instance role) for Bedrock, Google Application Default Credentials
 * for Vertex AI, and the keychain (or AZURE_OPENAI_API_KEY) for Azure OpenAI.
 */
const name = z.string().min(1).max(200);

export const platformFields = {
  anthropicBedrock: { region: name.optional() },
  anthropicVertex: { project: name.optional(), location: name.optional() },
  geminiVertex: { project: name.optional(), location: name.optional(), apiVersion: name.optional() },
  azureOpenai: {
    apiVersion: name.optional(),
    /** The deployment serving each model id; a model without one goes to a deployment of its own name. */
    deployments: z.record(name, name).optional(),
  },
} as const;

export type PlatformProvider = keyof typeof platformFields;

export function isPlatformProvider(id: ProviderId): id is PlatformProvider {
  return id in platformFields;
}

/** The settings a platform provider was given; every field optional. */
export type PlatformInput = PlatformSettings & { baseURL?: string };

export interface ResolvedPlatform {
  /** The default base URL, which depends on the region or location. */
  baseURL: string;
  platform: PlatformSettings;
}

/** Vertex AI's host for a location: the global endpoint, a multi-region one, or a region's. */
function vertexHost(location: string): string {
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

function first(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== '')?.trim();
}

/**
 * A platform's settings with the environment the platform's own tools use as the fallback
 * (AWS_REGION, GOOGLE_CLOUD_PROJECT…), and the default base URL that follows from them.
 */
export function resolvePlatform(id: PlatformProvider, own: PlatformInput, env: NodeJS.ProcessEnv): ResolvedPlatform {
  switch (id) {
    case 'anthropicBedrock': {
      const region = first(own.region, env.AWS_REGION, env.AWS_DEFAULT_REGION) ?? 'us-east-1';
      return { baseURL: `https://bedrock-runtime.${region}.amazonaws.com`, platform: { region } };
    }
    case 'anthropicVertex':
    case 'geminiVertex': {
      const project = first(
        own.project,
        env.GOOGLE_CLOUD_PROJECT,
        id === 'anthropicVertex' ? env.ANTHROPIC_VERTEX_PROJECT_ID : undefined,
      );
      const location =
        first(own.location, env.GOOGLE_CLOUD_LOCATION, id === 'anthropicVertex' ? env.CLOUD_ML_REGION : undefined) ??
        'global';
      const platform: PlatformSettings = { location, ...(project ? { project } : {}) };
      // The Anthropic Vertex SDK wants the version in the base URL; @google/genai adds its own.
      if (id === 'anthropicVertex') return { baseURL: `${vertexHost(location)}/v1`, platform };
      return { baseURL: vertexHost(location), platform: { ...platform, apiVersion: own.apiVersion ?? 'v1' } };
    }
    case 'azureOpenai':
      return {
        // No default: every Azure resource has its own endpoint (AZURE_OPENAI_ENDPOINT).
        baseURL: '',
        platform: {
          apiVersion: first(own.apiVersion, env.OPENAI_API_VERSION) ?? AZURE_DEFAULT_API_VERSION,
          deployments: own.deployments ?? {},
        },
      };
  }
}

/** The environment variable that overrides each platform's base URL (the SDKs' own names). */
export const PLATFORM_BASE_URL_ENV: Record<PlatformProvider, string> = {
  anthropicBedrock: 'ANTHROPIC_BEDROCK_BASE_URL',
  anthropicVertex: 'ANTHROPIC_VERTEX_BASE_URL',
  geminiVertex: 'GOOGLE_VERTEX_BASE_URL',
  azureOpenai: 'AZURE_OPENAI_ENDPOINT',
};
