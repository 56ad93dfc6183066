import {
  FunctionCallingConfigMode,
  ThinkingLevel,
  type Content,
  type GenerateContentConfig,
  type GenerateContentParameters,
  type Part,
  type ThinkingConfig,
  type ToolConfig,
} from '@google/genai';
import { partsOf, type ChatMessage, type ReasoningEffort, type ToolChoice } from '../../../protocol';
import { capabilitiesOf, type ResolvedCapabilities } from '../capabilities/modelCapabilities';
import { planRequest } from '../capabilities/requestPlan';
import { outputLimit, THINKING_BUDGETS } from '../reasoningBudget';
import type { ProviderRequest } from '../types';

/** Gemini calls the assistant `model`, and takes the system prompt and limits in `config`. */
export function toGeminiParams(request: ProviderRequest, extra: GenerateContentConfig): GenerateContentParameters {
  const caps = request.capabilities ?? capabilitiesOf('gemini', request.model);
  const req = planRequest(caps, request).request;
  // A function response names its function, not the call's id: the name comes from the call.
  const callNames = new Map<string, string>();
  for (const m of req.messages)
    for (const p of partsOf(m.content)) if (p.type === 'tool_use') callNames.set(p.id, p.name);
  const contents: Content[] = req.messages.map((m) => ({
    role: m.role === 'assistant' ? 'model' : 'user',
    parts: geminiParts(m, callNames, req.model),
  }));
  return {
    model: req.model,
    contents,
    config: {
      ...(req.system ? { systemInstruction: req.system } : {}),
      // Thoughts count against maxOutputTokens, so the budget comes on top of the answer's share.
      maxOutputTokens: outputLimit(req.maxTokens, req.reasoningEffort, caps.maxOutput),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.stop?.length ? { stopSequences: req.stop } : {}),
      ...(req.reasoningEffort ? { thinkingConfig: thinkingConfig(caps, req.reasoningEffort) } : {}),
      ...(req.tools?.length
        ? {
            tools: [
              {
                functionDeclarations: req.tools.map((t) => ({
                  name: t.name,
                  ...(t.description ? { description: t.description } : {}),
                  parametersJsonSchema: t.inputSchema,
                })),
              },
            ],
          }
        : {}),
      ...(req.toolChoice ? { toolConfig: geminiToolConfig(req.toolChoice) } : {}),
      ...(req.responseSchema
        ? { responseMimeType: 'application/json', responseJsonSchema: req.responseSchema.schema }
        : {}),
      ...extra,
    },
  };
}

/** Gemini 3 and later take a thinking level; 2.5 a budget in tokens (the two together are a 400). */
function thinkingConfig(caps: ResolvedCapabilities, effort: ReasoningEffort): ThinkingConfig {
  if (caps.thinking.kind === 'geminiLevel') return { thinkingLevel: LEVELS[effort] };
  return { thinkingBudget: THINKING_BUDGETS[effort] };
}

const LEVELS: Record<ReasoningEffort, ThinkingLevel> = {
  low: ThinkingLevel.LOW,
  medium: ThinkingLevel.MEDIUM,
  high: ThinkingLevel.HIGH,
};

/**
 * Gemini 3 refuses a replayed function call without its thoughtSignature. A call that lost it
 * (history rebuilt by a client, or made by another provider) carries Google's documented
 * sentinel instead, which tells the API to skip the check.
 */
const SKIP_SIGNATURE = 'skip_thought_signature_validator';

function geminiParts(m: ChatMessage, callNames: ReadonlyMap<string, string>, model: string): Part[] {
  const needsSignature = /^(models\/)?gemini-[3-9]/.test(model);
  return partsOf(m.content).map((p): Part => {
    switch (p.type) {
      case 'text':
        return { text: p.text };
      case 'image':
        return { inlineData: { mimeType: p.mediaType, data: p.data } };
      case 'tool_use': {
        const signature = p.signature ?? (needsSignature ? SKIP_SIGNATURE : undefined);
        return {
          functionCall: { id: p.id, name: p.name, args: p.input },
          ...(signature !== undefined ? { thoughtSignature: signature } : {}),
        };
      }
      case 'tool_result':
        return {
          functionResponse: {
            id: p.toolUseId,
            name: callNames.get(p.toolUseId) ?? p.toolUseId,
            response: p.isError ? { error: p.content } : { output: p.content },
          },
        };
    }
  });
}

function geminiToolConfig(choice: ToolChoice): ToolConfig {
  if (typeof choice === 'object')
    return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.name] } };
  const mode =
    choice === 'required'
      ? FunctionCallingConfigMode.ANY
      : choice === 'none'
        ? FunctionCallingConfigMode.NONE
        : FunctionCallingConfigMode.AUTO;
  return { functionCallingConfig: { mode } };
}
