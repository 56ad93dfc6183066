import type { GenerateContentResponse } from '@google/genai';
import type { ToolCall } from '../../../protocol';

/**
 * The answer's text from the first candidate, leaving out thought summaries. The SDK's `.text`
 * getter is not used because it logs a warning whenever a part is not text.
 */
export function geminiText(response: GenerateContentResponse): string {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts.map((p) => (p.text !== undefined && !p.thought ? p.text : '')).join('');
}

/** Why generation stopped: the candidate's finishReason, or the prompt's block reason. */
export function geminiStopReason(response: GenerateContentResponse): string | null {
  return response.candidates?.[0]?.finishReason ?? response.promptFeedback?.blockReason ?? null;
}

/** The function calls in the first candidate. Gemini may leave out ids, so those are made from the position. */
export function geminiFunctionCalls(response: GenerateContentResponse, firstIndex = 0): ToolCall[] {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts
    .flatMap((p) => (p.functionCall ? [{ call: p.functionCall, signature: p.thoughtSignature }] : []))
    .map(({ call, signature }, i) => ({
      id: call.id ?? `call_${firstIndex + i}`,
      name: call.name ?? '',
      input: call.args ?? {},
      ...(signature !== undefined ? { signature } : {}),
    }));
}
