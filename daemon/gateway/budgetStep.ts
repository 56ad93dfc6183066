import {
  ConduitError,
  type ChatRequest,
  type ChatResult,
  type ProviderId,
  type RouteInfo,
  type Tier,
} from '../../protocol';
import type { ConduitConfig } from '../config/config';
import { LruMap } from '../platform/lruMap';
import { outputLimit } from '../providers/reasoningBudget';
import { inputTokensUpperBound } from '../ratelimit/tokenEstimate';
import type { Target } from '../resilience/fallbackPlan';
import { tiersBelow } from '../router/routeDecision';
import type { BudgetRefusal, BudgetTable, Reservation } from '../usage/budgetTable';
import type { UnpricedUse } from '../usage/eventAlerts';
import { budgetWorstCase, formatUsd } from '../usage/pricing';
import type { UnpricedSpend } from '../usage/unpricedSpend';

export interface BudgetStepDeps {
  table: BudgetTable;
  /** The model a provider uses for a tier (for a downgrade). */
  modelFor: (config: ConduitConfig, provider: ProviderId, tier: Tier) => string;
  /** After each settle: the daemon checks the warning thresholds. */
  onSettled?: () => void;
  /** Today's spend on models without a known price, kept apart for `status`. */
  unpriced?: UnpricedSpend;
  /** A model without a known price, the first time it is used or refused: the daemon raises an alert. */
  onUnpriced?: (e: UnpricedUse) => void;
}

/**
 * Before the chain calls a fallback target: true once the reservation covers that target's worst
 * case (raised when it is dearer), false when the budget has no room for it (skip the target).
 */
export type CoverTarget = (target: Target) => boolean | Promise<boolean>;

/** How many unpriced models (by policy) are remembered as already announced. */
export const MAX_ANNOUNCED_UNPRICED = 256;

type Upstream = (request: ChatRequest, cover?: CoverTarget) => Promise<ChatResult>;

/**
 * The budget step (docs/architecture.md, inside the coalesced call):
 * reserve the request's worst-case cost (an upper bound of its input tokens +
 * max_tokens at the model's prices) against every budget that applies, before anything is
 * sent; over budget, refuse with `budget_exceeded`, or, with onExceed "downgrade", try the
 * cheaper tiers of the same provider. A fallback to another model first raises the reservation
 * to that model's worst case (`CoverTarget`). The reservation settles to the real cost when the
 * answer is in, or is released on failure. It runs on a cache miss, inside coalescing, so only
 * the caller that goes upstream reserves.
 */
export class BudgetStep {
  constructor(private readonly deps: BudgetStepDeps) {}

  async run(
    request: ChatRequest,
    route: RouteInfo | undefined,
    config: ConduitConfig,
    upstream: Upstream,
  ): Promise<ChatResult> {
    const feature = request.feature ?? 'ask';
    const provider = request.provider ?? config.provider;
    const model = request.model ?? route?.model ?? '';
    const inputTokens = inputTokensUpperBound(request.messages, request.system, request);
    const maxTokens = outputLimit(request.max_tokens ?? config.defaultMaxTokens, request.reasoningEffort);
    // A model without a known price reserves at its provider's dearest prices, or is refused
    // (budgets.unpricedModels); only a local server, which has no price at all, reserves nothing.
    const refuseUnpriced = config.budgets.unpricedModels === 'refuse' && this.deps.table.applies(feature);
    const worstOn = (p: ProviderId, m: string) => {
      const w = budgetWorstCase(p, m, inputTokens, maxTokens, config.prices);
      return w.assumedFrom !== null && refuseUnpriced ? Infinity : (w.usd ?? 0);
    };
    const worst = (m: string) => worstOn(provider, m);

    const own = budgetWorstCase(provider, model, inputTokens, maxTokens, config.prices);
    if (own.assumedFrom !== null && refuseUnpriced) {
      this.firstUnpriced(provider, model, own.assumedFrom, 'refuse');
      throw new ConduitError({
        code: 'budget_exceeded',
        provider,
        model,
        message: `${provider}/${model} has no known price, and budgets.unpricedModels is "refuse", so it is not sent while a budget applies. Add its price under \`prices\` in config.json (USD per million tokens), run \`conduit models update\` for a newer catalogue, or set budgets.unpricedModels to "reserve-dearest" to reserve it at ${provider}'s dearest prices (${own.assumedFrom}).`,
      });
    }
    const needed = own.usd ?? 0;
    const first = this.deps.table.tryReserve(feature, needed);
    let reservation: Reservation;
    let sent = request;
    let downgrade: { tier: Tier; model: string } | undefined;
    if (first.ok) {
      reservation = first.reservation;
    } else {
      const cheaper =
        config.budgets.onExceed === 'downgrade' && route && (route.source === 'tier' || route.source === 'configured')
          ? this.downgrade({ config, feature, provider, route, needed, worst })
          : undefined;
      if (!cheaper)
        throw new ConduitError({
          code: 'budget_exceeded',
          message: refusalMessage(first.refusal, feature, provider, model),
          provider,
          model,
        });
      reservation = cheaper.reservation;
      downgrade = { tier: cheaper.tier, model: cheaper.model };
      sent = { ...request, model: cheaper.model, tier: cheaper.tier };
    }
    const cover: CoverTarget = (target) =>
      this.deps.table.tryRaise(reservation, worstOn(target.provider, target.model)).ok;
    try {
      const result = await upstream(sent, cover);
      this.deps.table.settle(reservation, result.costUsd);
      if (result.costAssumedFrom !== undefined && result.cache === 'none' && !result.coalesced) {
        this.deps.unpriced?.add(result.provider, result.model, result.costUsd ?? 0, result.costAssumedFrom);
        this.firstUnpriced(result.provider, result.model, result.costAssumedFrom, 'reserve-dearest');
      }
      if (downgrade && route) {
        result.route = {
          ...route,
          tier: downgrade.tier,
          model: downgrade.model,
          downgradedFrom: route.tier,
          reason: `${downgrade.tier}: downgraded from ${route.tier} to stay within budget (${route.reason})`,
        };
      }
      return result;
    } catch (err) {
      this.deps.table.release(reservation);
      throw err;
    } finally {
      this.deps.onSettled?.();
    }
  }

  // The model is the request's own: a client could name a new one each time. Past the bound an
  // old model may be announced again, which costs one more alert.
  private readonly announced = new LruMap<string, true>(MAX_ANNOUNCED_UNPRICED);

  private firstUnpriced(provider: ProviderId, model: string, assumedFrom: string, policy: UnpricedUse['policy']): void {
    const id = `${policy}|${provider}/${model}`;
    if (this.announced.has(id)) return;
    this.announced.set(id, true);
    this.deps.onUnpriced?.({ provider, model, assumedFrom, policy });
  }

  /** The nearest cheaper tier whose worst case fits, reserved; undefined when none does. */
  private downgrade(d: {
    config: ConduitConfig;
    feature: string;
    provider: ProviderId;
    route: RouteInfo;
    needed: number;
    worst: (m: string) => number;
  }): { reservation: Reservation; tier: Tier; model: string } | undefined {
    const { config, feature, provider, route, needed, worst } = d;
    for (const tier of tiersBelow(route.tier)) {
      const model = this.deps.modelFor(config, provider, tier);
      const usd = worst(model);
      if (model === route.model || usd >= needed) continue;
      const outcome = this.deps.table.tryReserve(feature, usd);
      if (outcome.ok) return { reservation: outcome.reservation, tier, model };
    }
    return undefined;
  }
}

function refusalMessage(r: BudgetRefusal, feature: string, provider: ProviderId, model: string): string {
  const which = `${r.scope === 'global' ? 'the' : `feature ${feature}'s`} ${r.period === 'day' ? 'daily' : 'monthly'} budget of ${formatUsd(r.limitUsd)}`;
  const reserved = r.reservedUsd > 0 ? ` and ${formatUsd(r.reservedUsd)} is held by requests in flight` : '';
  return `This request could cost up to ${formatUsd(r.neededUsd)} on ${provider}/${model}, more than is left of ${which}: ${formatUsd(r.remainingUsd)} left (${formatUsd(r.spentUsd)} spent${reserved}). It resets at ${new Date(r.resetsAt).toISOString()}. Raise budgets in config.json, lower max_tokens, or set budgets.onExceed to "downgrade".`;
}
