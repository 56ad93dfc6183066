import type { ProviderId } from '../protocol';

/**
 * `conduit.models` with a retiring model swapped for its replacement, wherever the user named it
 * for that provider (one model for every tier, or per tier). Undefined when the user's settings do
 * not name it: it then comes from config.json or the catalogue, and only the user can decide
 * which tiers the replacement should take. Pure.
 */
export function withReplacedModel(
  models: unknown,
  provider: ProviderId,
  model: string,
  replacement: string,
): Record<string, unknown> | undefined {
  const all: Record<string, unknown> =
    typeof models === 'object' && models !== null && !Array.isArray(models)
      ? { ...(models as Record<string, unknown>) }
      : {};
  const own = all[provider];
  if (typeof own === 'string') {
    if (own.trim() !== model) return undefined;
    all[provider] = replacement;
    return all;
  }
  if (typeof own !== 'object' || own === null || Array.isArray(own)) return undefined;
  let changed = false;
  const tiers: Record<string, unknown> = {};
  for (const [tier, value] of Object.entries(own as Record<string, unknown>)) {
    const hit = typeof value === 'string' && value.trim() === model;
    tiers[tier] = hit ? replacement : value;
    changed ||= hit;
  }
  if (!changed) return undefined;
  all[provider] = tiers;
  return all;
}
