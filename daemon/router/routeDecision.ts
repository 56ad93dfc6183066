import type { ChatRequest, ProviderId, RouteInfo, RouteSignals, Tier } from '../../protocol';
import { classify } from './classifier';
import { trimContext } from './contextTrim';
import { deprecationOf } from './deprecations';
import type { ExperimentSettings } from './experimentSettings';
import { assignArm, experimentFor, experimentKeyOf } from './experiments';
import { defaultModelFor } from './models';
import type { RoutingSettings } from './routingSettings';

export const TIERS: readonly Tier[] = ['simple', 'moderate', 'complex'];

/** What routing needs from the configuration; the gateway builds it from ConduitConfig. */
export interface RouteContext {
  routing: RoutingSettings;
  experiments: readonly ExperimentSettings[];
  defaultProvider: ProviderId;
  /** The provider's configured model (`providers.<id>.model`, else its default): routing off. */
  configuredModel: (provider: ProviderId) => string;
  /** `providers.<id>.models[tier]`, when set. */
  tierSetting: (provider: ProviderId, tier: Tier) => string | undefined;
  now?: Date;
}

export interface RouteDecision {
  /** The request with provider, model and tier decided, and its context trimmed. */
  request: ChatRequest & { provider: ProviderId; model: string; tier: Tier };
  route: RouteInfo;
  signals: RouteSignals;
  trimmed?: { droppedTokens: number; droppedMessages: number };
}

/** The model a provider uses for a tier: the setting, then the catalogue, then its configured model. */
export function tierModel(ctx: RouteContext, provider: ProviderId, tier: Tier): string {
  return ctx.tierSetting(provider, tier) ?? defaultModelFor(provider, tier) ?? ctx.configuredModel(provider);
}

/**
 * The route step (docs/architecture.md):
 * the tier, then the provider and model, then the experiment arm. What wins, in order:
 * a model named in the request; the feature's model in settings; the feature's experiment arm;
 * the tier's model (routing on) or the provider's configured model (routing off). A tier in the
 * request or the feature's settings wins over the classifier's.
 */
export function decideRoute(request: ChatRequest, ctx: RouteContext): RouteDecision {
  const feature = request.feature ?? 'ask';
  const limit = ctx.routing.contextTokensByFeature[feature];
  const trim = limit !== undefined ? trimContext(request.messages, limit) : undefined;
  const messages = trim && trim.droppedMessages > 0 ? trim.messages : request.messages;
  const classified = classify({ ...request, messages });
  const byFeature = ctx.routing.byFeature[feature];
  const forcedTier = request.tier ?? byFeature?.tier;
  const tier = forcedTier ?? classified.tier;
  const reason =
    request.tier !== undefined
      ? `${tier}: asked for by the request (classifier: ${classified.reason})`
      : byFeature?.tier !== undefined
        ? `${tier}: set for feature ${feature} (classifier: ${classified.reason})`
        : classified.reason;

  let provider: ProviderId = request.provider ?? byFeature?.provider ?? ctx.defaultProvider;
  let model: string;
  let source: RouteInfo['source'];
  let experiment: RouteInfo['experiment'];
  const trial =
    request.model === undefined && byFeature?.model === undefined && request.provider === undefined
      ? experimentFor(feature, ctx.experiments)
      : undefined;
  if (request.model !== undefined) {
    model = request.model;
    source = 'request';
  } else if (byFeature?.model !== undefined) {
    model = byFeature.model;
    source = 'feature';
  } else if (trial) {
    const arm = assignArm(trial, experimentKeyOf(request));
    provider = arm.provider;
    model = arm.model;
    source = 'experiment';
    experiment = { id: trial.id, arm: arm.name };
  } else if (ctx.routing.enabled) {
    model = tierModel(ctx, provider, tier);
    source = 'tier';
  } else {
    model = ctx.configuredModel(provider);
    source = 'configured';
  }
  const deprecation = deprecationOf(provider, model, ctx.now);
  const route: RouteInfo = {
    tier,
    reason,
    provider,
    model,
    source,
    ...(experiment ? { experiment } : {}),
    ...(deprecation ? { deprecation } : {}),
  };
  return {
    request: { ...request, messages, provider, model, tier },
    route,
    signals: classified.signals,
    ...(trim && trim.droppedMessages > 0
      ? { trimmed: { droppedTokens: trim.droppedTokens, droppedMessages: trim.droppedMessages } }
      : {}),
  };
}

/** The cheaper tiers below `tier`, nearest first: what a budget downgrade may try. */
export function tiersBelow(tier: Tier): Tier[] {
  return TIERS.slice(0, TIERS.indexOf(tier)).reverse();
}
