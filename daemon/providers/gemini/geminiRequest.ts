import type { Content, GenerateContentConfig, GenerateContentParameters } from '@google/genai';
import type { ProviderRequest } from '../types';

/** Gemini calls the assistant `model`, and takes the system prompt and limits in `config`. */
export function toGeminiParams(req: ProviderRequest, extra: GenerateContentConfig): GenerateContentParameters {
  const contents: Content[] = req.messages.map((m) => ({
    role: m.role === 'assistant' ? 'model' : 'user',
    parts: [{ text: m.content }],
  }));
  return {
    model: req.model,
    contents,
    config: {
      ...(req.system ? { systemInstruction: req.system } : {}),
      maxOutputTokens: req.maxTokens,
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...extra,
    },
  };
}
