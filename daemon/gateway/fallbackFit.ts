import { ConduitError, type ChatRequest } from '../../protocol';
import { checkImageSizes } from '../guard/imageCheck';
import type { Target } from '../resilience/fallbackPlan';
import { fitContextWindow, type ContextFit } from '../router/contextWindow';
import type { RoutingSettings } from '../router/routingSettings';

export type FallbackFit =
  | { ok: true; request: ChatRequest; trimmed?: ContextFit['trimmed'] }
  /** `reason` is short, for the fallbacks list; `error` says which limit and what to change. */
  | { ok: false; reason: string; error: ConduitError };

/**
 * Whether a fallback target can take the request, checked before it is called: its provider's
 * image limits and its model's context window (after the feature's trimming rule). A target
 * that cannot would only refuse it, and such a refusal must not end the chain as a provider's
 * 400 would, so the caller skips it and moves on.
 */
export function fitFallback(
  request: ChatRequest,
  target: Target,
  defaultMaxTokens: number,
  settings: RoutingSettings['contextWindow'],
): FallbackFit {
  try {
    checkImageSizes(request.messages, target.provider);
  } catch (err) {
    return refused(err, `images over ${target.provider}'s limits`);
  }
  try {
    // The chain names this exact model, so no switch to routing.contextWindow.fallback here:
    // only the feature's trimming rule, or a refusal.
    const { fallback: _switch, ...ownWindow } = settings;
    const fit = fitContextWindow(
      { ...request, provider: target.provider, model: target.model },
      defaultMaxTokens,
      ownWindow,
    );
    return { ok: true, request: fit.request, ...(fit.trimmed ? { trimmed: fit.trimmed } : {}) };
  } catch (err) {
    return refused(err, 'context window too small');
  }
}

function refused(err: unknown, reason: string): FallbackFit {
  if (err instanceof ConduitError && (err.code === 'too_large' || err.code === 'bad_request'))
    return { ok: false, reason, error: err };
  throw err;
}
