import { anthropicRefusal } from './anthropicRules';
import { geminiRefusal } from './geminiRules';
import { openaiRefusal } from './openaiRules';
import type { ScriptedResponse, WireProvider } from './script';

/**
 * The 400 the real API would answer this request with, or undefined when it would take it. The
 * fake checks each request by the provider's documented rules, apart from Conduit's capability
 * table, so a regression in the table fails a test instead of passing silently.
 */
export function documentedRefusal(
  provider: WireProvider,
  model: string | null,
  body: unknown,
): ScriptedResponse | undefined {
  if (model === null) return undefined;
  switch (provider) {
    case 'anthropic':
    case 'bedrock':
    case 'vertexAnthropic':
      return anthropicRefusal(model, body, provider);
    case 'openai':
    case 'azure':
      return openaiRefusal(model, body);
    case 'gemini':
    case 'vertexGemini':
      return geminiRefusal(model, body);
  }
}
