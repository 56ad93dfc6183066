import { anthropicWire } from './anthropicWire';
import { geminiWire, statusBody } from './geminiWire';
import { bearerToken, type WireFormat } from './wireFormat';

/** Vertex AI refuses a call without an OAuth token in google.rpc's words. */
const missingToken = () => ({
  status: 401,
  body: statusBody(401, {
    message:
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  }),
});

/** Statuses the Vertex platform itself answers (Google's error shape) rather than the model. */
const platformStatuses = new Set([401, 403, 404, 429]);

/**
 * Claude on Vertex AI: :rawPredict and :streamRawPredict under
 * /v1/projects/P/locations/L/publishers/anthropic/models/M, Anthropic's bodies and SSE, an OAuth
 * bearer token; what the platform refuses comes as a google.rpc.Status, what the model refuses
 * in Anthropic's shape.
 */
export const vertexAnthropicWire: WireFormat = {
  ...anthropicWire,
  provider: 'vertexAnthropic',
  apiKey: (headers) => bearerToken(headers),
  missingKey: missingToken,
  baseHeaders: () => ({ 'x-vertex-ai-llm-request-type': 'shared', server: 'scaffolding on HTTPServer2' }),
  errorBody: (status, error, requestId) =>
    platformStatuses.has(status)
      ? statusBody(status, { quotaFailure: false, ...error })
      : anthropicWire.errorBody(status, error, requestId),
  wantsStream: (_body, action) => action === 'streamRawPredict',
};

/** Gemini on Vertex AI: the Gemini API's bodies under the project's path, with an OAuth bearer token. */
export const vertexGeminiWire: WireFormat = {
  ...geminiWire,
  provider: 'vertexGemini',
  apiKey: (headers) => bearerToken(headers),
  missingKey: missingToken,
};
