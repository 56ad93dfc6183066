import type { GenerateContentResponse } from '@google/genai';
import type { ProviderResponse } from '../types';
import { geminiFunctionCalls, geminiStopReason, geminiText } from './geminiText';
import { fromGeminiUsage } from './geminiUsage';

/**
 * A whole generateContent answer read the one way, for a live call and for a batch result
 * alike. `model` stands in when the response names no model version. Gemini does not say which
 * stop sequence ended an answer (its finishReason is an ordinary STOP).
 */
export function fromGeminiResponse(
  response: GenerateContentResponse,
  model: string,
): Omit<ProviderResponse, 'headers' | 'adjusted'> {
  const toolCalls = geminiFunctionCalls(response);
  return {
    text: geminiText(response),
    ...(toolCalls.length ? { toolCalls } : {}),
    model: response.modelVersion ?? model,
    usage: fromGeminiUsage(response.usageMetadata),
    stopReason: geminiStopReason(response),
    ...(response.responseId !== undefined ? { responseId: response.responseId } : {}),
  };
}
