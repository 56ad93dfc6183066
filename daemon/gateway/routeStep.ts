import type { ChatRequest, ProviderId, RouterExplainResult, Tier } from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { outputLimit } from '../providers/reasoningBudget';
import { inputTokensUpperBound } from '../ratelimit/tokenEstimate';
import { decideRoute, tierModel, type RouteContext, type RouteDecision } from '../router/routeDecision';
import { worstCaseCost } from '../usage/pricing';

/**
 * The pipeline's route step (docs/architecture.md, "The request pipeline"):
 * the complexity tier, then the provider and model, then the experiment
 * arm (daemon/router decides; this binds it to the configuration). Also answers `router/explain`.
 */
export class RouteStep {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  route(request: ChatRequest, config: ConduitConfig): RouteDecision {
    return decideRoute(request, this.context(config));
  }

  /** A fallback target without a model takes its provider's model for the same tier. */
  modelFor(config: ConduitConfig, provider: ProviderId, tier: Tier | undefined): string {
    const ctx = this.context(config);
    return config.routing.enabled && tier !== undefined
      ? tierModel(ctx, provider, tier)
      : ctx.configuredModel(provider);
  }

  context(config: ConduitConfig): RouteContext {
    return {
      routing: config.routing,
      experiments: config.experiments,
      defaultProvider: config.provider,
      configuredModel: (p) => resolveProvider(config, p, this.env).model,
      tierSetting: (p, tier) => config.providers[p].models?.[tier],
    };
  }

  /** The decision and its worst-case cost, without sending anything. */
  explain(request: ChatRequest, config: ConduitConfig): RouterExplainResult {
    const t0 = performance.now();
    const decision = this.route(request, config);
    const classifyMs = performance.now() - t0;
    const r = decision.request;
    // What the budget step would reserve: the upper bound of the input, not the estimate. With
    // reasoning effort, the thinking budget is output too, and is priced as output.
    const inputTokens = inputTokensUpperBound(r.messages, r.system, r);
    const maxTokens = outputLimit(r.max_tokens ?? config.defaultMaxTokens, r.reasoningEffort);
    const worst = worstCaseCost(r.provider, r.model, inputTokens, maxTokens, config.prices);
    return {
      route: decision.route,
      signals: decision.signals,
      estimate: { inputTokens, maxTokens, worstCaseUsd: worst.usd },
      ...(decision.trimmed ? { trimmed: decision.trimmed } : {}),
      classifyMs: Math.round(classifyMs * 1000) / 1000,
    };
  }
}

/**
 * Every model the settings can send requests to: the default provider's tier models (or its
 * configured model, routing off), per-feature models, experiment arms and fallback targets. For
 * the deprecation warnings.
 */
export function modelsInUse(
  config: ConduitConfig,
  env: NodeJS.ProcessEnv = process.env,
): { provider: ProviderId; model: string }[] {
  const step = new RouteStep(env);
  const ctx = step.context(config);
  const out: { provider: ProviderId; model: string }[] = [];
  const tiers: readonly Tier[] = ['simple', 'moderate', 'complex'];
  const providerModels = (p: ProviderId) =>
    config.routing.enabled ? tiers.map((t) => tierModel(ctx, p, t)) : [ctx.configuredModel(p)];
  for (const model of providerModels(config.provider)) out.push({ provider: config.provider, model });
  for (const [id, own] of Object.entries(config.providers) as [ProviderId, ConduitConfig['providers'][ProviderId]][]) {
    if (own.model !== undefined) out.push({ provider: id, model: own.model });
    for (const model of Object.values(own.models ?? {})) if (model !== undefined) out.push({ provider: id, model });
  }
  for (const f of Object.values(config.routing.byFeature))
    if (f.model !== undefined) out.push({ provider: f.provider ?? config.provider, model: f.model });
  for (const e of config.experiments) for (const a of e.arms) out.push({ provider: a.provider, model: a.model });
  for (const chain of Object.values(config.resilience.fallback.chains))
    for (const t of chain) if (t.model !== undefined) out.push({ provider: t.provider, model: t.model });
  return out;
}
