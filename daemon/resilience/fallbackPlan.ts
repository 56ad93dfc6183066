import type { ProviderId } from '../../protocol';
import type { ResilienceConfig } from '../config/config';

export interface Target {
  provider: ProviderId;
  model: string;
}

export interface SkippedTarget {
  target: Target;
  reason: string;
}

export interface FallbackPlan {
  /** Tried in order after the primary fails. */
  targets: Target[];
  /** Left out, with the reason (the cost guard, a duplicate, no key). */
  skipped: SkippedTarget[];
}

export interface PlanDeps {
  /** The model a provider uses when the chain names none. */
  defaultModel(provider: ProviderId): string;
  /** True, false, or null when either price is unknown. */
  isCostlier(candidate: Target, primary: Target): boolean | null;
  /** Providers without a key cannot be a fallback. */
  hasKey(provider: ProviderId): boolean;
}

export function targetLabel(t: Target): string {
  return `${t.provider}/${t.model}`;
}

/**
 * The alternatives for one request, from the feature's chain (or the "*" chain). The cost
 * guard leaves out anything dearer than the primary unless the settings allow it; a model whose
 * price is unknown is left out too, since we cannot show it is not dearer. A local
 * OpenAI-compatible server costs nothing, so it always passes the guard.
 */
export function planFallbacks(
  primary: Target,
  feature: string,
  cfg: ResilienceConfig['fallback'],
  deps: PlanDeps,
): FallbackPlan {
  const chain = cfg.chains[feature] ?? cfg.chains['*'] ?? [];
  const seen = new Set([targetLabel(primary)]);
  const plan: FallbackPlan = { targets: [], skipped: [] };
  for (const entry of chain) {
    const target: Target = { provider: entry.provider, model: entry.model ?? deps.defaultModel(entry.provider) };
    const label = targetLabel(target);
    if (seen.has(label)) continue;
    seen.add(label);
    if (!deps.hasKey(target.provider)) {
      plan.skipped.push({ target, reason: 'no API key' });
      continue;
    }
    if (!cfg.allowCostlier && target.provider !== 'openaiCompatible') {
      const costlier = deps.isCostlier(target, primary);
      if (costlier !== false) {
        plan.skipped.push({
          target,
          reason: costlier === null ? 'unknown price (cost guard)' : 'costlier than the primary (cost guard)',
        });
        continue;
      }
    }
    plan.targets.push(target);
  }
  return plan;
}
