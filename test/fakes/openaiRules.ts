import type { ScriptedResponse } from './script';
import { promptTokens } from './promptTokens';
import { isRecord } from './wireFormat';

/**
 * What Chat Completions refuses with a 400, as OpenAI documents it, for the GPT-5 models:
 * - GPT-5, GPT-5 mini and nano: a temperature other than 1, `max_tokens`, effort "none";
 * - GPT-5.4 and later: a temperature or top_p with a reasoning effort other than "none";
 * - a json_schema response format whose root is not an object;
 * - a prompt over the input limit (272k for the 400k-window models, 922k for the 1.05M ones);
 * - `stop` with more than 4 sequences, or on a model that takes none (GPT-5, mini and nano, o3,
 *   o4-mini; GPT-5.4 and later with a reasoning effort other than "none").
 * - the o-series: a temperature other than 1, `max_tokens`, a prompt plus output over 200k;
 * - GPT-4.1 and GPT-4o (no reasoning): `reasoning_effort`.
 */
export function openaiRefusal(model: string, body: unknown): ScriptedResponse | undefined {
  if (!isRecord(body)) return undefined;
  const format =
    isRecord(body.response_format) && isRecord(body.response_format.json_schema)
      ? body.response_format.json_schema
      : undefined;
  if (format && isRecord(format.schema) && format.schema.type !== 'object') {
    const got = typeof format.schema.type === 'string' ? `'type: "${format.schema.type}"'` : 'no type';
    return bad(
      `Invalid schema for response_format '${String(format.name)}': schema must be a JSON Schema of 'type: "object"', got ${got}.`,
      'response_format',
      'invalid_json_schema',
    );
  }
  const older = olderModelRefusal(model, body);
  if (older) return older;
  const legacy = /^gpt-5(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?$/.test(model);
  const current = /^gpt-5\.([4-9]|\d\d)/.test(model);
  const stopRefusal = refuseStop(model, body, legacy, current);
  if (stopRefusal) return stopRefusal;
  if (!legacy && !current) return undefined;
  const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : undefined;
  if (legacy) {
    if (body.temperature !== undefined && body.temperature !== 1) {
      return bad(
        `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
        'temperature',
        'unsupported_value',
      );
    }
    if (effort === 'none')
      return bad(
        `Unsupported value: 'reasoning_effort' does not support 'none' with this model.`,
        'reasoning_effort',
        'unsupported_value',
      );
  }
  if (current && effort !== undefined && effort !== 'none') {
    for (const p of ['temperature', 'top_p']) {
      if (body[p] !== undefined)
        return bad(
          `Unsupported parameter: '${p}' is not supported with this model when reasoning_effort is not 'none'.`,
          p,
          'unsupported_parameter',
        );
    }
  }
  if (body.max_tokens !== undefined) {
    return bad(
      `Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.`,
      'max_tokens',
      'unsupported_parameter',
    );
  }
  const window =
    current && /^gpt-5\.(4|[5-9]|\d\d)(?!-mini|-nano)/.test(model) && !/-(mini|nano)/.test(model) ? 1_050_000 : 400_000;
  const maxInput = window - 128_000;
  const prompt = promptTokens(body.messages) + promptTokens(body.tools) + promptTokens(body.response_format);
  if (prompt > maxInput) {
    return bad(
      `This model's maximum input length is ${maxInput} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
      'messages',
      'context_length_exceeded',
    );
  }
  return undefined;
}

/** The o-series (o3, o4-mini) and the models before GPT-5 that do not reason (GPT-4.1, GPT-4o). */
function olderModelRefusal(model: string, body: Record<string, unknown>): ScriptedResponse | undefined {
  if (/^gpt-4(\.1|o)/.test(model) && body.reasoning_effort !== undefined)
    return bad(
      `Unsupported parameter: 'reasoning_effort' is not supported with this model.`,
      'reasoning_effort',
      'unsupported_parameter',
    );
  if (!/^o\d/.test(model)) return undefined;
  if (body.temperature !== undefined && body.temperature !== 1)
    return bad(
      `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
      'temperature',
      'unsupported_value',
    );
  if (body.max_tokens !== undefined)
    return bad(
      `Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.`,
      'max_tokens',
      'unsupported_parameter',
    );
  const output = typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : 0;
  const prompt = promptTokens(body.messages) + promptTokens(body.tools) + promptTokens(body.response_format);
  if (prompt + output > 200_000)
    return bad(
      `This model's maximum context length is 200000 tokens. However, you requested ${prompt + output} tokens (${prompt} in the messages, ${output} in the completion). Please reduce the length of the messages or completion.`,
      'messages',
      'context_length_exceeded',
    );
  return undefined;
}

function bad(message: string, param: string, code: string): ScriptedResponse {
  return { status: 400, error: { type: 'invalid_request_error', message, param, code } };
}

function refuseStop(
  model: string,
  body: Record<string, unknown>,
  legacy: boolean,
  current: boolean,
): ScriptedResponse | undefined {
  if (body.stop === undefined || body.stop === null) return undefined;
  if (Array.isArray(body.stop) && body.stop.length > 4)
    return bad(
      `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${body.stop.length} instead.`,
      'stop',
      'array_above_max_length',
    );
  const effort = body.reasoning_effort;
  const reasoning = /^o[34]/.test(model) || legacy || (current && effort !== undefined && effort !== 'none');
  if (reasoning)
    return bad(`Unsupported parameter: 'stop' is not supported with this model.`, 'stop', 'unsupported_parameter');
  return undefined;
}
