import { fitContextWindow } from '../../router/contextWindow';
import { addTrims } from '../../router/contextTrim';
import type { RequestContext } from '../requestContext';
import type { Routed } from './route';

/**
 * context window: a request over its model's window is refused, trimmed, or moved to
 * `routing.contextWindow.fallback`. What comes out is the request and route the ledger names.
 */
export function contextWindow(routed: Routed): RequestContext {
  const { config } = routed;
  const fit = fitContextWindow(routed.request, config.defaultMaxTokens, config.routing.contextWindow);
  const route = fit.switched
    ? { ...routed.route, provider: fit.request.provider, model: fit.request.model }
    : routed.route;
  routed.recorded.request = fit.request;
  routed.recorded.route = route;
  const trimmed = addTrims(routed.trimmed, fit.trimmed);
  return {
    ...routed,
    request: fit.request,
    route,
    ...(trimmed ? { trimmed } : {}),
    ...(fit.switched ? { contextFallback: fit.switched } : {}),
  };
}
