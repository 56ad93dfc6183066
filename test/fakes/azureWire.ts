import { openaiWire } from './openaiWire';
import type { ScriptedError } from './script';
import { headerValue, type PlannedEvent, type WireFormat } from './wireFormat';

/** Azure's error codes and words for each status; OpenAI's body shape, Azure's contents. */
function azureError(
  status: number,
  error: ScriptedError | undefined,
): { code: string; message: string; type?: string } {
  const base =
    status === 401
      ? {
          code: '401',
          message:
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        }
      : status === 404
        ? {
            code: 'DeploymentNotFound',
            message:
              'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          }
        : status === 429
          ? {
              code: '429',
              message:
                'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds.',
            }
          : status === 400 && error?.code === 'content_filter'
            ? {
                code: 'content_filter',
                message:
                  "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
              }
            : status >= 500
              ? { code: 'InternalServerError', message: 'The server had an error while processing your request.' }
              : { code: 'BadRequest', message: 'Invalid request.' };
  return {
    code: error?.code ?? base.code,
    message: error?.message ?? base.message,
    ...(error?.type ? { type: error.type } : {}),
  };
}

/**
 * Azure OpenAI's Chat Completions: OpenAI's bodies and stream under
 * /openai/deployments/{deployment}/chat/completions?api-version=…, the key in `api-key`, errors
 * with Azure's codes, and the first stream chunk carrying only the prompt's filter results.
 */
export const azureWire: WireFormat = {
  provider: 'azure',
  apiKey: (headers) => headerValue(headers, 'api-key'),
  missingKey: () => ({
    status: 401,
    body: {
      error: {
        code: '401',
        message:
          'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
      },
    },
  }),
  // Azure reports only what remains, not the limits or resets.
  baseHeaders: (requestId) => ({
    'apim-request-id': requestId,
    'x-request-id': requestId,
    'x-ms-region': 'Sweden Central',
    'x-ratelimit-remaining-requests': '249',
    'x-ratelimit-remaining-tokens': '249984',
  }),
  errorBody: (status, error) => ({ error: azureError(status, error) }),
  wantsStream: (body, action) => openaiWire.wantsStream(body, action),
  json: (req) => ({
    ...(openaiWire.json(req) as Record<string, unknown>),
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
  }),
  stream: (req) => {
    const filter: PlannedEvent = {
      kind: 'head',
      sse: {
        data: JSON.stringify({
          choices: [],
          created: 0,
          id: '',
          model: '',
          object: '',
          prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
        }),
      },
    };
    return [filter, ...openaiWire.stream(req)];
  },
  streamError: (status, error) => ({ data: JSON.stringify({ error: azureError(status ?? 500, error) }) }),
  ping: () => openaiWire.ping(),
  frameChunk: (chunk) => openaiWire.frameChunk(chunk),
};
