import { ConduitError, type ChatMessage, type ChatRequest, type ProviderId } from '../../protocol';
import { capabilitiesOf } from '../providers/capabilities/modelCapabilities';
import { outputLimit } from '../providers/reasoningBudget';
import { FRAMING_TOKENS_PER_REQUEST, inputTokensUpperBound } from '../ratelimit/tokenEstimate';
import { trimContext } from './contextTrim';
import { findModel } from './models';
import type { RoutingSettings } from './routingSettings';

type Routed = ChatRequest & { provider: ProviderId; model: string };

export interface ContextFit {
  request: Routed;
  trimmed?: { droppedTokens: number; droppedMessages: number };
  /** The larger-context model the request was moved to. */
  switched?: { from: string; to: string };
}

/**
 * What a model holds: `window` for prompt and output together (null when they are counted
 * apart, as Gemini does), `maxInput` for the prompt alone (OpenAI's GPT-5: a 400k window, of
 * which 272k may be prompt).
 */
export interface ContextLimits {
  window: number | null;
  maxInput: number | null;
}

/** The model's context window from the catalogue; null for a model the catalogue does not know. */
export function contextWindowOf(provider: ProviderId, model: string): number | null {
  return findModel(provider, model)?.contextWindow ?? null;
}

/**
 * The model's limits: the catalogue's, else its family's documented ones (o4-mini, GPT-4.1 and
 * Claude Opus 4.1 are not catalogued, yet their APIs refuse a prompt over the family's window).
 * A model of no known family (a local server's, a proxy's alias) has no window in its row, so
 * it is sent as it is and the server says what it holds.
 */
export function contextLimitsOf(provider: ProviderId, model: string): ContextLimits | null {
  const caps = capabilitiesOf(provider, model);
  if (caps.window === null) return null;
  return { window: caps.inputLimit === 'separate' ? null : caps.window, maxInput: caps.maxInput };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * What a request needs of a model: the prompt (messages, system prompt, tool definitions and
 * response schema) as a true upper bound, one token per byte of UTF-8, the bound the budgets
 * reserve by, so a prompt of CJK text (three bytes a character, often a token each) is never
 * taken for a quarter of its size; plus the room the answer may take.
 */
export function tokensNeeded(request: ChatRequest, maxTokens: number): { prompt: number; total: number } {
  const prompt = inputTokensUpperBound(request.messages, request.system, {
    tools: request.tools ?? [],
    responseSchema: request.responseSchema ?? null,
  });
  return { prompt, total: prompt + maxTokens };
}

/** The bound on messages alone: what trimming can take away. */
function messagesBound(messages: readonly ChatMessage[]): number {
  return inputTokensUpperBound(messages, undefined) - FRAMING_TOKENS_PER_REQUEST;
}

type LimitsOf = (provider: ProviderId, model: string) => ContextLimits | number | null;

function limitsFrom(found: ContextLimits | number | null): ContextLimits | null {
  return typeof found === 'number' ? { window: found, maxInput: found } : found;
}

/** Which limit a request is over, or null when it fits. */
function overflow(
  limits: ContextLimits,
  need: { prompt: number; total: number },
): { what: 'input' | 'window'; limit: number } | null {
  if (limits.maxInput !== null && need.prompt > limits.maxInput) return { what: 'input', limit: limits.maxInput };
  if (limits.window !== null && need.total > limits.window) return { what: 'window', limit: limits.window };
  return null;
}

/** The most the messages may take: what the input limit and the window leave once the rest is counted. */
function roomForMessages(limits: ContextLimits, need: { prompt: number; total: number }, messages: number): number {
  const fixedPrompt = need.prompt - messages;
  const byInput = limits.maxInput !== null ? limits.maxInput - fixedPrompt : Infinity;
  const byWindow = limits.window !== null ? limits.window - (need.total - messages) : Infinity;
  return Math.max(0, Math.min(byInput, byWindow));
}

/**
 * Keeps a routed request inside its model's limits, before anything is sent: the prompt within
 * the input limit, and prompt plus answer within the window where the two share it. A request
 * that fits goes as it is; one that does not moves to the configured larger-context model, or
 * has its earliest messages dropped when its feature's rule is "trim", or is refused with the
 * sizes and what to change.
 */
export function fitContextWindow(
  request: Routed,
  defaultMaxTokens: number,
  settings: RoutingSettings['contextWindow'],
  limitsOf: LimitsOf = contextLimitsOf,
): ContextFit {
  const limits = limitsFrom(limitsOf(request.provider, request.model));
  const maxTokens = outputLimit(request.max_tokens ?? defaultMaxTokens, request.reasoningEffort);
  const need = tokensNeeded(request, maxTokens);
  const over = limits ? overflow(limits, need) : null;
  if (!limits || !over) return { request };

  const fallback = settings.fallback;
  const fallbackLimits = fallback ? limitsFrom(limitsOf(fallback.provider, fallback.model)) : null;
  if (fallback && fallbackLimits && !overflow(fallbackLimits, need)) {
    return {
      request: { ...request, provider: fallback.provider, model: fallback.model },
      switched: { from: `${request.provider}/${request.model}`, to: `${fallback.provider}/${fallback.model}` },
    };
  }

  const feature = request.feature ?? 'ask';
  const rule = settings.overflowByFeature[feature] ?? settings.onOverflow;
  if (rule === 'trim') {
    const trim = trimContext(request.messages, roomForMessages(limits, need, messagesBound(request.messages)));
    const trimmed = { ...request, messages: trim.messages };
    if (trim.droppedMessages > 0 && !overflow(limits, tokensNeeded(trimmed, maxTokens))) {
      return {
        request: trimmed,
        trimmed: { droppedTokens: trim.droppedTokens, droppedMessages: trim.droppedMessages },
      };
    }
  }
  const limitText =
    over.what === 'input' && limits.window !== null && limits.window !== over.limit
      ? `${request.model}'s input limit of ${fmt(over.limit)} (its context window of ${fmt(limits.window)} less the room kept for output)`
      : over.what === 'input' && limits.window === null
        ? `${request.model}'s input limit of ${fmt(over.limit)}`
        : `${request.model}'s context window of ${fmt(over.limit)}`;
  const needText =
    over.what === 'input'
      ? `a prompt of up to ${fmt(need.prompt)} tokens`
      : `up to ${fmt(need.total)} tokens (a prompt of up to ${fmt(need.prompt)} plus ${fmt(maxTokens)} for the answer${request.reasoningEffort ? ' and its thinking budget' : ''})`;
  throw new ConduitError({
    code: 'too_large',
    provider: request.provider,
    model: request.model,
    message:
      `The request needs ${needText}, more than ${limitText}; nothing was sent. ` +
      'The prompt is counted as one token per byte of UTF-8, a bound no tokenizer exceeds (CJK text takes about a token a character). ' +
      `Shorten the prompt or lower max_tokens, set routing.contextWindow.overflowByFeature["${feature}"] to "trim"${rule === 'trim' ? ' (trimming was tried: the last message alone is too long)' : ''}, or set routing.contextWindow.fallback to a model with a larger window.`,
  });
}
