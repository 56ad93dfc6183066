// Static: this module itself loads on first use (createAdapter.ts), and google-auth-library is
// CommonJS, whose dynamic import in the daemon's ESM chunks would only have `default`.
import { GoogleAuth } from 'google-auth-library';
import { AnthropicAdapter } from '../anthropic/anthropicAdapter';
import { requireProject } from '../requiredSettings';
import { stainlessClientOptions } from '../sdkClientOptions';
import type { ProviderConfig } from '../types';
import { vertexAnthropicError } from './vertexAnthropicError';

/**
 * Claude on Google Vertex AI through @anthropic-ai/vertex-sdk (:rawPredict and :streamRawPredict),
 * with Anthropic's request, stream, usage and error mapping. Credentials are Google Application
 * Default Credentials, found by google-auth-library; Conduit never holds them.
 */
export function createAnthropicVertexAdapter(cfg: ProviderConfig): AnthropicAdapter {
  const project = requireProject('anthropicVertex', cfg);
  const client = async () => {
    const { AnthropicVertex } = await import('@anthropic-ai/vertex-sdk');
    const vertex = new AnthropicVertex({
      projectId: project,
      // The project is known, so google-auth-library need not look for one (gcloud, the metadata
      // server, the resource manager) before the first request.
      googleAuth: new GoogleAuth({ scopes: 'https://www.googleapis.com/auth/cloud-platform', projectId: project }),
      region: cfg.platform?.location ?? 'global',
      baseURL: cfg.baseURL,
      ...stainlessClientOptions(cfg),
    });
    // The SDK starts looking for credentials as it is built; a failure belongs to the request,
    // which awaits the same promise, not to the process as an unhandled rejection.
    void (vertex as unknown as { _authClientPromise?: Promise<unknown> })._authClientPromise?.catch(() => undefined);
    return vertex;
  };
  return new AnthropicAdapter(cfg, { id: 'anthropicVertex', client, refineError: vertexAnthropicError });
}
