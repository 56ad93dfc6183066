import { GoogleGenAI } from '@google/genai';
import { messageOf } from '../commonErrors';
import { GeminiAdapter } from '../gemini/geminiAdapter';
import { SDK_TIMEOUT_MS } from '../sdkTimeout';
import { requireProject } from '../requiredSettings';
import type { ProviderConfig, UpstreamError } from '../types';
import { credentialsError } from '../upstreamPatch';
import { GOOGLE_ADC_HELP, isMissingGoogleCredentials } from '../vertexCredentials';

/** @google/genai reports a missing ADC as a plain Error; as an auth failure it is not retried. */
function vertexGeminiError(mapped: UpstreamError, raw: unknown): UpstreamError {
  if (mapped.kind === 'connection' && raw instanceof Error && isMissingGoogleCredentials(raw.message)) {
    return credentialsError(mapped, `No usable Google credentials (${messageOf(raw)}).`, GOOGLE_ADC_HELP);
  }
  return mapped;
}

/**
 * Gemini on Vertex AI through @google/genai with `vertexai: true`: the same request, stream, usage
 * and google.rpc error mapping as the Gemini API, at
 * {baseURL}/{apiVersion}/projects/P/locations/L/publishers/google/models/M:generateContent.
 * Credentials are Google Application Default Credentials.
 */
export function createGeminiVertexAdapter(cfg: ProviderConfig): GeminiAdapter {
  const project = requireProject('geminiVertex', cfg);
  const client = new GoogleGenAI({
    vertexai: true,
    project,
    location: cfg.platform?.location ?? 'global',
    apiVersion: cfg.platform?.apiVersion ?? 'v1',
    // The project is known, so google-auth-library need not look for one before the first request.
    googleAuthOptions: { scopes: 'https://www.googleapis.com/auth/cloud-platform', projectId: project },
    // No retryOptions: @google/genai retries only when given them.
    httpOptions: {
      baseUrl: cfg.baseURL,
      timeout: SDK_TIMEOUT_MS,
      ...(cfg.headers ? { headers: cfg.headers } : {}),
    },
  });
  return new GeminiAdapter(cfg, { id: 'geminiVertex', client, refineError: vertexGeminiError });
}
