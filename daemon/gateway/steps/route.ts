import type { RouteInfo } from '../../../protocol';
import type { RouteDecision } from '../../router/routeDecision';
import type { Guarded } from './guardIn';

export interface Routed extends Guarded {
  request: RouteDecision['request'];
  route: RouteInfo;
  trimmed?: { droppedTokens: number; droppedMessages: number };
}

/**
 * route: the complexity tier, then the provider and model, then the experiment arm, and the
 * feature's context budget (gateway/routeStep.ts binds daemon/router to the configuration). The
 * default profile is filled in here.
 */
export function route(guarded: Guarded): Routed {
  const { config, request } = guarded;
  const decision = guarded.parts.routes.route({ ...request, profile: request.profile ?? config.profile }, config);
  return {
    ...guarded,
    request: decision.request,
    route: decision.route,
    ...(decision.trimmed ? { trimmed: decision.trimmed } : {}),
  };
}
