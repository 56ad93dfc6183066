import OpenAI from 'openai';

/**
 * The baseline every added latency is measured against: the openai SDK straight to the mock,
 * in the benchmark's own process, with the SDK's retries off as Conduit's adapters have them.
 */
export function directSdk(mockUrl: string, apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${mockUrl}/v1`, maxRetries: 0 });
}

/** The non-streaming request every side of a comparison sends. */
export const benchMessages = [{ role: 'user' as const, content: 'benchmark' }];
export const benchBody = { model: 'gpt-bench', messages: benchMessages, max_completion_tokens: 64 };
