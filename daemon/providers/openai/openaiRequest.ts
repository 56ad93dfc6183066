import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { partsOf, type ChatMessage, type ToolChoice } from '../../../protocol';
import { outputLimit } from '../reasoningBudget';
import type { ProviderRequest } from '../types';
import type { OpenAIChatOptions } from './openaiChatOptions';
import { isStrictSchema } from './strictSchema';
import { capabilitiesOf } from '../capabilities/modelCapabilities';
import { planRequest } from '../capabilities/requestPlan';

/**
 * The canonical request as Chat Completions. The system prompt goes in as a `system` message:
 * OpenAI maps it to `developer` for reasoning models itself, and every compatible server knows
 * `system` while many do not know `developer`.
 */
export function toOpenAIParams(request: ProviderRequest, options: OpenAIChatOptions): ChatCompletionCreateParamsBase {
  const caps = request.capabilities ?? capabilitiesOf(options.id, request.model);
  const req = planRequest(caps, request).request;
  const messages: ChatCompletionMessageParam[] = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) messages.push(...openaiMessages(m));
  // planRequest leaves an effort only where the model takes reasoning_effort.
  const effort = caps.thinking.kind === 'openaiEffort' ? req.reasoningEffort : undefined;
  // GPT-5.4 and later take a temperature only at effort "none", which is then said outright.
  // So do stop sequences (planRequest keeps them only without an effort).
  const noReasoning =
    (req.temperature !== undefined && caps.sampling === 'onlyWithoutReasoning') ||
    (!!req.stop?.length && caps.stopSequences?.onlyWithoutReasoning === true);
  const maxTokensField = caps.maxTokensField === 'maxOutputTokens' ? options.maxTokensField : caps.maxTokensField;
  return {
    model: req.model,
    messages,
    // Reasoning tokens count against max_completion_tokens: the effort's budget comes on top.
    [maxTokensField]: outputLimit(req.maxTokens, effort, caps.maxOutput),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.stop?.length ? { stop: req.stop } : {}),
    ...(effort ? { reasoning_effort: effort } : noReasoning ? { reasoning_effort: 'none' as const } : {}),
    ...(req.tools?.length
      ? {
          tools: req.tools.map((t) => ({
            type: 'function' as const,
            function: {
              name: t.name,
              ...(t.description ? { description: t.description } : {}),
              parameters: t.inputSchema,
            },
          })),
        }
      : {}),
    ...(req.toolChoice ? { tool_choice: openaiToolChoice(req.toolChoice) } : {}),
    ...(req.responseSchema
      ? {
          response_format: {
            type: 'json_schema' as const,
            json_schema: {
              name: req.responseSchema.name,
              ...(req.responseSchema.description ? { description: req.responseSchema.description } : {}),
              schema: req.responseSchema.schema,
              // Strict mode guarantees the shape but accepts only a subset of JSON Schema; any
              // other schema is still followed, and checked by the daemon afterwards.
              strict: isStrictSchema(req.responseSchema.schema),
            },
          },
        }
      : {}),
  };
}

/**
 * One canonical message as Chat Completions messages: tool results each become a `tool`
 * message, tool calls ride on the assistant message, images are data URLs.
 */
function openaiMessages(m: ChatMessage): ChatCompletionMessageParam[] {
  if (typeof m.content === 'string') return [{ role: m.role, content: m.content }];
  const parts = partsOf(m.content);
  if (m.role === 'assistant') {
    const text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
    const calls = parts.flatMap((p) =>
      p.type === 'tool_use'
        ? [{ id: p.id, type: 'function' as const, function: { name: p.name, arguments: JSON.stringify(p.input) } }]
        : [],
    );
    return [{ role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  const out: ChatCompletionMessageParam[] = [];
  for (const p of parts) {
    if (p.type === 'tool_result')
      out.push({ role: 'tool', tool_call_id: p.toolUseId, content: p.isError ? `Error: ${p.content}` : p.content });
  }
  const content: ChatCompletionContentPart[] = parts.flatMap((p): ChatCompletionContentPart[] => {
    if (p.type === 'text') return [{ type: 'text', text: p.text }];
    if (p.type === 'image') return [{ type: 'image_url', image_url: { url: `data:${p.mediaType};base64,${p.data}` } }];
    return [];
  });
  if (content.length) out.push({ role: 'user', content });
  return out;
}

function openaiToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'object' ? { type: 'function', function: { name: choice.name } } : choice;
}
