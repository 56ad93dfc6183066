import type { ScriptedResponse } from './script';
import { promptTokens } from './promptTokens';
import { isRecord } from './wireFormat';

/**
 * What generateContent refuses with a 400 INVALID_ARGUMENT, as Google documents it:
 * - a thinking level on Gemini 2.5, a level the model does not have (Gemini 3 Pro: low and
 *   high), or a level and a budget together;
 * - maxOutputTokens above 65,536, a prompt over 1,048,576 tokens;
 * - more than 5 stopSequences.
 */
export function geminiRefusal(model: string, body: unknown): ScriptedResponse | undefined {
  if (!isRecord(body)) return undefined;
  const m = /^(?:models\/)?gemini-(\d+)(?:\.(\d+))?/.exec(model);
  if (!m) return undefined;
  const version = Number(m[1]) + Number(m[2] ?? 0) / 10;
  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  const thinking = isRecord(config.thinkingConfig) ? config.thinkingConfig : undefined;
  const level = typeof thinking?.thinkingLevel === 'string' ? thinking.thinkingLevel.toLowerCase() : undefined;
  if (level !== undefined && thinking?.thinkingBudget !== undefined)
    return bad('You can only set one of thinking budget and thinking level.');
  if (level !== undefined && version < 3) return bad('Thinking level is not supported for this model.');
  if (level !== undefined && /gemini-3-pro/.test(model) && !['low', 'high'].includes(level))
    return bad(`Thinking level ${level.toUpperCase()} is not supported for this model.`);
  if (Array.isArray(config.stopSequences) && config.stopSequences.length > 5)
    return bad(
      `Invalid value at 'generation_config.stop_sequences': at most 5 stop sequences are allowed, got ${config.stopSequences.length}.`,
    );
  const maxOut = typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : undefined;
  if (maxOut !== undefined && maxOut > 65_536) {
    return bad(
      `Unable to submit request because it has a maxOutputTokens value of ${maxOut} but the supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.`,
    );
  }
  const prompt = promptTokens(body.contents) + promptTokens(body.systemInstruction) + promptTokens(body.tools);
  if (prompt > 1_048_576)
    return bad(`The input token count (${prompt}) exceeds the maximum number of tokens allowed (1048576).`);
  return undefined;
}

function bad(message: string): ScriptedResponse {
  return { status: 400, error: { type: 'INVALID_ARGUMENT', message } };
}
