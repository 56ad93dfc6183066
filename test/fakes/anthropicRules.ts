import type { ScriptedResponse } from './script';
import { promptTokens } from './promptTokens';
import { isRecord } from './wireFormat';

/**
 * What the Messages API refuses with a 400, as Anthropic documents it, for the Claude models it
 * knows (an unknown id is taken as it comes):
 * - Opus 4.7 and Claude 5: `thinking: {type: "enabled"}`, and temperature/top_p/top_k;
 * - before Claude 4.6: `thinking: {type: "adaptive"}` and `output_config.effort`;
 * - before Claude 4.5 (4.6 on Vertex AI): `output_config.format` (structured outputs);
 * - with thinking on: a temperature, or a tool_choice that forces a tool;
 * - a manual budget not below max_tokens, max_tokens above the model's output, a prompt plus
 *   max_tokens over the context window, a tool input_schema whose type is not "object".
 */
export function anthropicRefusal(
  model: string,
  body: unknown,
  platform: 'anthropic' | 'bedrock' | 'vertexAnthropic' = 'anthropic',
): ScriptedResponse | undefined {
  if (!isRecord(body)) return undefined;
  const version = claudeVersion(model);
  if (version === null) return undefined;
  const thinking = isRecord(body.thinking) ? body.thinking : undefined;
  const thinkingOn = thinking !== undefined && thinking.type !== 'disabled';
  const outputConfig = isRecord(body.output_config) ? body.output_config : undefined;
  if (version >= 4.7 && thinking?.type === 'enabled') {
    return bad(
      `"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.`,
    );
  }
  if (version >= 4.7) {
    for (const p of ['temperature', 'top_p', 'top_k']) {
      if (body[p] !== undefined && body[p] !== null && !(p === 'temperature' && body[p] === 1))
        return bad(`\`${p}\` is not supported for this model.`);
    }
  }
  if (version < 4.6 && thinking?.type === 'adaptive')
    return bad('thinking.type: adaptive thinking is not supported on this model. Use "enabled" with budget_tokens.');
  if (version < 4.6 && outputConfig?.effort !== undefined && !/opus-4-5/.test(model))
    return bad('output_config.effort: This model does not support the effort parameter.');
  // Structured outputs: GA on the Claude API and Bedrock from Claude 4.5; Vertex AI from 4.6.
  if (outputConfig?.format !== undefined && version < (platform === 'vertexAnthropic' ? 4.6 : 4.5))
    return bad('output_config.format: structured outputs are not supported for this model.');
  if (thinkingOn && body.temperature !== undefined && body.temperature !== 1)
    return bad('`temperature` may only be set to 1 when thinking is enabled or in adaptive mode.');
  const choice = isRecord(body.tool_choice) ? body.tool_choice.type : undefined;
  if (thinkingOn && (choice === 'tool' || choice === 'any'))
    return bad('Thinking may not be enabled when tool_choice forces tool use.');
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 0;
  if (
    thinking?.type === 'enabled' &&
    typeof thinking.budget_tokens === 'number' &&
    thinking.budget_tokens >= maxTokens
  ) {
    return bad('`max_tokens` must be greater than `thinking.budget_tokens`.');
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const [i, t] of tools.entries()) {
    if (isRecord(t) && isRecord(t.input_schema) && t.input_schema.type !== 'object')
      return bad(`tools.${i}.custom.input_schema.type: Input should be 'object'`);
  }
  const maxOutput = version >= 4.6 ? 128_000 : 64_000;
  if (maxTokens > maxOutput)
    return bad(
      `max_tokens: ${maxTokens} > ${maxOutput}, which is the maximum allowed number of output tokens for ${model}`,
    );
  const window = version >= 4.6 ? 1_000_000 : 200_000;
  const prompt = promptTokens(body.messages) + promptTokens(body.system) + promptTokens(body.tools);
  if (prompt + maxTokens > window)
    return bad(`prompt is too long: ${prompt} tokens + ${maxTokens} max_tokens > ${window} maximum`);
  return undefined;
}

function claudeVersion(model: string): number | null {
  const id = model.slice(Math.max(0, model.indexOf('claude-')));
  const m = /^claude-[a-z]+-(\d+)(?:-(\d{1,2}))?(?:$|[-@:])/.exec(id);
  return m ? Number(m[1]) + Number(m[2] ?? 0) / 10 : null;
}

function bad(message: string): ScriptedResponse {
  return { status: 400, error: { type: 'invalid_request_error', message } };
}
