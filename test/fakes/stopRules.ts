import type { ScriptedResponse, WireProvider } from './script';
import { scriptText } from './script';
import { isRecord } from './wireFormat';

/** The stop sequences a request carries, read where each API documents them. */
export function stopSequencesOf(provider: WireProvider, body: unknown): string[] {
  if (!isRecord(body)) return [];
  switch (provider) {
    case 'anthropic':
    case 'bedrock':
    case 'vertexAnthropic':
      return stringsOf(body.stop_sequences);
    case 'openai':
    case 'azure':
      return typeof body.stop === 'string' ? [body.stop] : stringsOf(body.stop);
    case 'gemini':
    case 'vertexGemini':
      return isRecord(body.generationConfig) ? stringsOf(body.generationConfig.stopSequences) : [];
  }
}

function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/**
 * The scripted answer as the API gives it under stop sequences: the text ends before the first
 * occurrence of any of them, which is not returned. Anthropic says so (`stop_reason:
 * "stop_sequence"` and the sequence); OpenAI and Gemini report an ordinary stop.
 */
export function applyStopSequences(
  provider: WireProvider,
  script: ScriptedResponse,
  stops: string[],
): ScriptedResponse {
  if (stops.length === 0 || (script.status !== undefined && script.status >= 300)) return script;
  const text = scriptText(script);
  let cut = -1;
  let matched = '';
  for (const s of stops) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0 && (cut < 0 || at < cut)) [cut, matched] = [at, s];
  }
  if (cut < 0) return script;
  const { deltas: _deltas, toolCalls: _calls, ...rest } = script;
  const anthropic = provider === 'anthropic' || provider === 'bedrock' || provider === 'vertexAnthropic';
  const gemini = provider === 'gemini' || provider === 'vertexGemini';
  return {
    ...rest,
    text: text.slice(0, cut),
    ...(anthropic ? { stopReason: 'stop_sequence', stopSequence: matched } : { stopReason: gemini ? 'STOP' : 'stop' }),
  };
}
