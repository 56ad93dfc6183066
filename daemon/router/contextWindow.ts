import { ConduitError, type ChatRequest, type ProviderId } from '../../protocol';
import { outputLimit } from '../providers/reasoningBudget';
import { CHARS_PER_TOKEN, estimateInputTokens } from '../ratelimit/tokenEstimate';
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

/** The model's context window from the catalogue; null for a model the catalogue does not know. */
export function contextWindowOf(provider: ProviderId, model: string): number | null {
  return findModel(provider, model)?.contextWindow ?? null;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * What a request needs of a context window: the estimated prompt (messages, system prompt, tool
 * definitions and response schema) plus the room the answer may take.
 */
export function tokensNeeded(request: ChatRequest, maxTokens: number): { prompt: number; total: number } {
  const extras = JSON.stringify([request.tools ?? [], request.responseSchema ?? null]).length;
  const prompt = estimateInputTokens(request.messages, request.system) + Math.ceil(extras / CHARS_PER_TOKEN);
  return { prompt, total: prompt + maxTokens };
}

/**
 * Keeps a routed request inside its model's context window, before anything is sent: a
 * request that fits goes as it is; one that does not moves to the configured larger-context
 * model, or has its earliest messages dropped when its feature's rule is "trim", or is refused
 * with the sizes and what to change.
 */
export function fitContextWindow(request: Routed, defaultMaxTokens: number, settings: RoutingSettings['contextWindow'], windowOf = contextWindowOf): ContextFit {
  const window = windowOf(request.provider, request.model);
  const maxTokens = outputLimit(request.max_tokens ?? defaultMaxTokens, request.reasoningEffort);
  const need = tokensNeeded(request, maxTokens);
  if (window === null || need.total <= window) return { request };

  const fallback = settings.fallback;
  const fallbackWindow = fallback ? windowOf(fallback.provider, fallback.model) : null;
  if (fallback && fallbackWindow !== null && need.total <= fallbackWindow) {
    return { request: { ...request, provider: fallback.provider, model: fallback.model }, switched: { from: `${request.provider}/${request.model}`, to: `${fallback.provider}/${fallback.model}` } };
  }

  const feature = request.feature ?? 'ask';
  const rule = settings.overflowByFeature[feature] ?? settings.onOverflow;
  if (rule === 'trim') {
    const fixed = need.total - estimateInputTokens(request.messages, undefined);
    const trim = trimContext(request.messages, Math.max(0, window - fixed));
    const trimmed = { ...request, messages: trim.messages };
    if (trim.droppedMessages > 0 && tokensNeeded(trimmed, maxTokens).total <= window) {
      return { request: trimmed, trimmed: { droppedTokens: trim.droppedTokens, droppedMessages: trim.droppedMessages } };
    }
  }
  throw new ConduitError({
    code: 'too_large',
    provider: request.provider,
    model: request.model,
    message: `The request needs about ${fmt(need.total)} tokens (a prompt of ~${fmt(need.prompt)} plus ${fmt(maxTokens)} for the answer${request.reasoningEffort ? ' and its thinking budget' : ''}), more than ${request.model}'s context window of ${fmt(window)}; nothing was sent. ` +
      `Shorten the prompt or lower max_tokens, set routing.contextWindow.overflowByFeature["${feature}"] to "trim"${rule === 'trim' ? ' (trimming was tried: the last message alone is too long)' : ''}, or set routing.contextWindow.fallback to a model with a larger window.`,
  });
}
