import type {
  ContentBlockParam,
  MessageCreateParamsBase,
  OutputConfig,
  ThinkingConfigParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import { partsOf, type ChatMessage, type ReasoningEffort, type ToolChoice } from '../../../protocol';
import { capabilitiesOf, type ResolvedCapabilities } from '../capabilities/modelCapabilities';
import { planRequest } from '../capabilities/requestPlan';
import { outputLimit, THINKING_BUDGETS } from '../reasoningBudget';
import type { ProviderRequest } from '../types';

/** The canonical request in Messages API terms; the system prompt has its own field there. */
export function toAnthropicParams(request: ProviderRequest): MessageCreateParamsBase {
  const caps = request.capabilities ?? capabilitiesOf('anthropic', request.model);
  const req = planRequest(caps, request).request;
  // With thinking on, Anthropic wants each replayed tool call preceded by its signed thinking
  // block, which the canonical messages do not carry; such a turn goes without thinking.
  const replaysToolCall = req.messages.some(
    (m) => m.role === 'assistant' && typeof m.content !== 'string' && m.content.some((p) => p.type === 'tool_use'),
  );
  const effort = replaysToolCall ? undefined : req.reasoningEffort;
  const thinking = effort ? thinkingFor(caps, effort) : undefined;
  const tools: Tool[] = (req.tools ?? []).map((t) => ({
    name: t.name,
    ...(t.description ? { description: t.description } : {}),
    input_schema: t.inputSchema as Tool['input_schema'],
  }));
  let toolChoice = req.toolChoice ? anthropicToolChoice(req.toolChoice) : undefined;
  const nativeFormat =
    req.responseSchema && caps.structuredOutput === 'anthropicFormat' ? req.responseSchema.schema : undefined;
  // Models without structured outputs give the answer as the input of a tool whose input
  // schema is the requested one, and the adapter hands that input back as the text.
  if (req.responseSchema && !nativeFormat) {
    tools.push({
      name: req.responseSchema.name,
      description: req.responseSchema.description ?? "Give the answer as this tool's input.",
      input_schema: req.responseSchema.schema as Tool['input_schema'],
    });
    // With extended thinking only `auto` is allowed; the JSON check repairs a prose answer.
    toolChoice = thinking ? { type: 'auto' } : { type: 'tool', name: req.responseSchema.name };
  }
  const outputConfig: OutputConfig = {
    ...(thinking?.type === 'adaptive' && effort ? { effort } : {}),
    ...(nativeFormat ? { format: { type: 'json_schema' as const, schema: nativeFormat } } : {}),
  };
  return {
    model: req.model,
    // max_tokens covers thinking too (and must exceed a manual budget): the answer keeps what was asked.
    max_tokens: outputLimit(req.maxTokens, effort, caps.maxOutput),
    messages: req.messages.map((m) => ({ role: m.role, content: anthropicContent(m) })),
    // A long, stable system prompt marked ephemeral is read from Anthropic's prompt cache on the
    // next request within five minutes, at the cache-read price.
    ...(req.system
      ? {
          system: req.cacheSystem
            ? [{ type: 'text' as const, text: req.system, cache_control: { type: 'ephemeral' as const } }]
            : req.system,
        }
      : {}),
    // planRequest has dropped a temperature the model does not take with or without thinking.
    ...(req.temperature !== undefined && thinking === undefined ? { temperature: req.temperature } : {}),
    ...(thinking ? { thinking } : {}),
    ...(Object.keys(outputConfig).length ? { output_config: outputConfig } : {}),
    ...(tools.length ? { tools } : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    ...(req.stop?.length ? { stop_sequences: req.stop } : {}),
  };
}

/**
 * Adaptive thinking, with the effort in output_config, on the models that take it (Claude 4.6,
 * and the only mode from Opus 4.7 and Claude 5 on); a manual budget on older ones.
 */
function thinkingFor(caps: ResolvedCapabilities, effort: ReasoningEffort): ThinkingConfigParam | undefined {
  if (caps.thinking.kind === 'anthropicAdaptive') return { type: 'adaptive' };
  if (caps.thinking.kind === 'anthropicBudget') return { type: 'enabled', budget_tokens: THINKING_BUDGETS[effort] };
  return undefined;
}

function anthropicContent(m: ChatMessage): string | ContentBlockParam[] {
  if (typeof m.content === 'string') return m.content;
  return partsOf(m.content).map((p): ContentBlockParam => {
    switch (p.type) {
      case 'text':
        return { type: 'text', text: p.text };
      case 'image':
        return { type: 'image', source: { type: 'base64', media_type: p.mediaType, data: p.data } };
      case 'tool_use':
        return { type: 'tool_use', id: p.id, name: p.name, input: p.input };
      case 'tool_result':
        return {
          type: 'tool_result',
          tool_use_id: p.toolUseId,
          content: p.content,
          ...(p.isError ? { is_error: true } : {}),
        };
    }
  });
}

function anthropicToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (typeof choice === 'object') return { type: 'tool', name: choice.name };
  return choice === 'required' ? { type: 'any' } : { type: choice };
}
