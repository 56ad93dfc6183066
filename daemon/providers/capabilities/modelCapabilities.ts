import type { ProviderId } from '../../../protocol';
import { findModel } from '../../router/models';
import { catalogueId, servedCatalogue } from '../../router/platformModels';
import { ANTHROPIC_FAMILIES } from './anthropicFamilies';
import type { CapabilityRow, ModelCapabilities } from './capabilityTypes';
import { GEMINI_FAMILIES } from './geminiFamilies';
import { OPENAI_COMPATIBLE_ROW, OPENAI_FAMILIES } from './openaiFamilies';

const FAMILIES: Record<'anthropic' | 'openai' | 'gemini', readonly CapabilityRow[]> = {
  anthropic: ANTHROPIC_FAMILIES,
  openai: OPENAI_FAMILIES,
  gemini: GEMINI_FAMILIES,
};

/** The model maker whose rules apply: Bedrock and Vertex serve Claude, Azure serves OpenAI's models. */
function makerOf(provider: ProviderId | string): 'anthropic' | 'openai' | 'gemini' | undefined {
  const served = servedCatalogue(provider);
  if (served) return served;
  return provider === 'anthropic' || provider === 'openai' || provider === 'gemini' ? provider : undefined;
}

/** A model id as the maker spells it: no platform prefix, no "models/", lower case. */
function makerId(provider: ProviderId | string, model: string): string {
  let id = catalogueId(provider, model).trim().toLowerCase();
  if (id.startsWith('models/')) id = id.slice('models/'.length);
  return id;
}

export interface ResolvedCapabilities extends ModelCapabilities {
  /** The model id the rules were looked up by. */
  model: string;
  /** Total context window in tokens (catalogue first, else the family's); null when unknown. */
  window: number | null;
  /** The most output the model gives. */
  maxOutput: number | null;
  /** The most prompt tokens the model takes, apart from the output. */
  maxInput: number | null;
}

/**
 * The rules a model's requests must follow, by the family its id belongs to, so a model added
 * to the price catalogue later is covered the day it appears. A cloud platform's model id
 * (Bedrock's `global.anthropic.…`, Vertex's `…@date`) is read as the maker's, and Azure passes
 * the OpenAI model id its deployment serves. Windows come from the price catalogue when it
 * knows the model.
 */
export function capabilitiesOf(provider: ProviderId | string, model: string): ResolvedCapabilities {
  // Asked several times per request with the same few models; the families' regexes and the
  // catalogue lookup are static, so the answer is kept (bounded by count) and copied out.
  const key = `${provider}\u0000${model}`;
  let caps = resolved.get(key);
  if (!caps) {
    caps = resolve(provider, model);
    if (resolved.size >= MAX_RESOLVED) resolved.delete(resolved.keys().next().value!);
    resolved.set(key, caps);
  }
  return { ...caps };
}

const MAX_RESOLVED = 256;
const resolved = new Map<string, ResolvedCapabilities>();

function resolve(provider: ProviderId | string, model: string): ResolvedCapabilities {
  const maker = makerOf(provider);
  const id = makerId(provider, model);
  const row = (maker ? FAMILIES[maker].find((r) => r.matches(id)) : undefined) ?? OPENAI_COMPATIBLE_ROW;
  const { matches: _matches, onPlatform, ...family } = row;
  const caps: ModelCapabilities = { ...family, ...onPlatform?.[provider] };
  const entry = maker ? findModel(maker, id) : undefined;
  const window = entry?.contextWindow ?? caps.defaultWindow;
  const maxOutput = entry?.maxOutputTokens ?? caps.defaultMaxOutput;
  return { ...caps, model: id, window, maxOutput, maxInput: inputLimit(caps.inputLimit, window, maxOutput) };
}

function inputLimit(
  rule: ModelCapabilities['inputLimit'],
  window: number | null,
  maxOutput: number | null,
): number | null {
  if (window === null) return null;
  if (rule === 'windowMinusOutput' && maxOutput !== null) return window - maxOutput;
  return window;
}

/**
 * Whether a prompt and an output limit fit the model: the prompt against the input limit, and
 * prompt plus output against the window where the two share it. `separate` models (Gemini)
 * count output apart; an output over their limit is lowered, not refused.
 */
export function overLimit(
  caps: ResolvedCapabilities,
  prompt: number,
  maxTokens: number,
): { limit: number; what: 'input' | 'window' } | null {
  if (caps.maxInput !== null && prompt > caps.maxInput) return { limit: caps.maxInput, what: 'input' };
  if (caps.inputLimit !== 'separate' && caps.window !== null && prompt + maxTokens > caps.window)
    return { limit: caps.window, what: 'window' };
  return null;
}
