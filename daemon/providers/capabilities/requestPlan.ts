import { ConduitError, type ReasoningEffort } from '../../../protocol';
import type { ProviderRequest } from '../types';
import type { ResolvedCapabilities } from './modelCapabilities';
import { isObjectRoot, wrapKeyFor, wrapSchema } from './schemaRoot';

/** A request made acceptable to its model, and what was changed to make it so. */
export interface RequestPlan {
  request: ProviderRequest;
  /** Plain-language notes for the result's `adjusted`; empty when nothing changed. */
  adjusted: string[];
  /** Set when the response schema was wrapped: the property the answer comes back in. */
  wrapKey?: string;
}

/**
 * Fixes what the model's documented rules would refuse, before sending: an effort the model
 * names differently, sampling it does not take, a schema root it cannot take, an output limit
 * above its maximum. Idempotent, so a request builder may apply it again.
 */
export function planRequest(caps: ResolvedCapabilities, req: ProviderRequest): RequestPlan {
  const adjusted: string[] = [];
  let out: ProviderRequest = { ...req, capabilities: caps };

  const effort = req.reasoningEffort ? effortFor(caps, req.reasoningEffort) : undefined;
  if (req.reasoningEffort && effort !== req.reasoningEffort) {
    adjusted.push(
      effort
        ? `reasoning effort "${req.reasoningEffort}" sent as "${effort}": ${caps.model} takes ${levelsOf(caps).join(', ')}`
        : `reasoning effort dropped: ${caps.model} takes no reasoning effort`,
    );
    out = withOptional(out, 'reasoningEffort', effort);
  }

  if (req.temperature !== undefined && !takesTemperature(caps, effort)) {
    adjusted.push(`temperature ${req.temperature} dropped: ${caps.model} ${whyNoTemperature(caps)}`);
    out = withOptional(out, 'temperature', undefined);
  }

  let wrapKey: string | undefined;
  if (req.responseSchema && caps.objectRootOnly && !isObjectRoot(req.responseSchema.schema)) {
    wrapKey = wrapKeyFor(req.responseSchema.schema);
    out = { ...out, responseSchema: { ...req.responseSchema, schema: wrapSchema(req.responseSchema.schema, wrapKey) } };
    adjusted.push(
      `response schema sent inside an object as "${wrapKey}" (${caps.model} takes only an object root); the answer is unwrapped`,
    );
  }

  if (req.stop?.length) {
    const rule = caps.stopSequences;
    if (rule === null || (rule.onlyWithoutReasoning && effort !== undefined)) {
      const why = rule === null ? 'takes no stop sequences' : 'takes stop sequences only without a reasoning effort';
      adjusted.push(`stop sequences dropped: ${caps.model} ${why}; the answer may run past them`);
      out = { ...out };
      delete out.stop;
    } else if (rule.max !== null && req.stop.length > rule.max) {
      throw new ConduitError({
        code: 'bad_request',
        message: `${req.stop.length} stop sequences given; ${caps.model} takes at most ${rule.max}. Send fewer.`,
      });
    }
  }

  if (caps.maxOutput !== null && req.maxTokens > caps.maxOutput) {
    adjusted.push(`max_tokens ${req.maxTokens} lowered to ${caps.maxOutput}, ${caps.model}'s most output`);
    out = { ...out, maxTokens: caps.maxOutput };
  }
  return { request: out, adjusted, ...(wrapKey ? { wrapKey } : {}) };
}

function levelsOf(caps: ResolvedCapabilities): readonly ReasoningEffort[] {
  const t = caps.thinking;
  if (t.kind === 'anthropicAdaptive' || t.kind === 'openaiEffort') return t.efforts;
  if (t.kind === 'geminiLevel') return t.levels;
  if (t.kind === 'none') return [];
  return ['low', 'medium', 'high'];
}

const ORDER: readonly ReasoningEffort[] = ['low', 'medium', 'high'];

/** The effort to send: the asked one, else the next higher the model names, else the highest. */
function effortFor(caps: ResolvedCapabilities, asked: ReasoningEffort): ReasoningEffort | undefined {
  const levels = levelsOf(caps);
  if (levels.length === 0) return undefined;
  if (levels.includes(asked)) return asked;
  return ORDER.slice(ORDER.indexOf(asked)).find((l) => levels.includes(l)) ?? levels[levels.length - 1];
}

function takesTemperature(caps: ResolvedCapabilities, effort: ReasoningEffort | undefined): boolean {
  switch (caps.sampling) {
    case 'any':
      return true;
    case 'notWithThinking':
    case 'onlyWithoutReasoning':
      return effort === undefined;
    case 'defaultOnly':
    case 'removed':
      return false;
  }
}

function whyNoTemperature(caps: ResolvedCapabilities): string {
  switch (caps.sampling) {
    case 'notWithThinking':
      return 'takes no temperature while thinking';
    case 'onlyWithoutReasoning':
      return 'takes a temperature only with reasoning effort "none"';
    case 'defaultOnly':
      return 'takes only the default temperature';
    default:
      return 'takes no sampling parameters';
  }
}

function withOptional<K extends 'reasoningEffort' | 'temperature'>(
  req: ProviderRequest,
  key: K,
  value: ProviderRequest[K] | undefined,
): ProviderRequest {
  const out: ProviderRequest = { ...req };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}
