import type { ChatRequest } from '../../protocol';

export type ApiFields = Pick<ChatRequest, 'tools' | 'toolChoice' | 'responseSchema' | 'reasoningEffort' | 'stop'>;

/** The request's tools, tool choice, schema, effort and stop sequences, only those set: what the provider call and the cache key both carry. */
export function apiFieldsOf(request: ChatRequest): ApiFields {
  return {
    ...(request.tools?.length ? { tools: request.tools } : {}),
    ...(request.toolChoice !== undefined ? { toolChoice: request.toolChoice } : {}),
    ...(request.responseSchema ? { responseSchema: request.responseSchema } : {}),
    ...(request.reasoningEffort ? { reasoningEffort: request.reasoningEffort } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
  };
}
